package dev.relaybox.application.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relaybox.application.order.port.in.PlaceOrderCommand;
import dev.relaybox.application.order.port.in.PlaceOrderCommand.Address;
import dev.relaybox.application.order.port.in.PlaceOrderCommand.Item;
import dev.relaybox.domain.shared.ValidationException;
import dev.relaybox.domain.shared.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlaceOrderCommandTest {
  private static final Address ADDRESS = new Address("Ada", "1 Way", null, "London", "N1", "GB");

  @Test
  void aGoodOrderTotalsItsLines() {
    var command = PlaceOrderCommand.of("k1", "cus-1", "web", "EUR", List.of(new Item("A", 2L, 150L), new Item("B", 1L, 99L)), ADDRESS, "", "");
    assertEquals(2, command.lines().size());
    assertEquals(300, command.lines().getFirst().total());
  }

  @Test
  void everyBadFieldIsNamed() {
    var e = assertThrows(ValidationException.class, () -> PlaceOrderCommand.of(null, "", "web", "euro",
        List.of(new Item("A", 0L, 150L), new Item("bad sku", 1L, -1L)), new Address("", "1 Way", null, "London", "N1", "UK"), "", ""));
    assertEquals(List.of("Idempotency-Key", "customerId", "currency", "items[0].quantity", "items[1].sku", "items[1].unitPrice",
        "shippingAddress.name", "shippingAddress.country"), e.violations().stream().map(Violation::field).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"XXX", "XTS", "XAU"})
  void aCodeThatIsNoMoneyCurrencyIsRefusedNamingCurrency(String code) {
    var e = assertThrows(ValidationException.class,
        () -> PlaceOrderCommand.of("k", "c", "w", code, List.of(new Item("A", 1L, 1L)), ADDRESS, "", ""));
    assertEquals(List.of("currency"), e.violations().stream().map(Violation::field).toList());
  }

  @Test
  void anOrderNeedsItemsAndEachSkuOnce() {
    assertThrows(ValidationException.class, () -> PlaceOrderCommand.of("k", "c", "w", "EUR", List.of(), ADDRESS, "", ""));
    var e = assertThrows(ValidationException.class,
        () -> PlaceOrderCommand.of("k", "c", "w", "EUR", List.of(new Item("A", 1L, 1L), new Item("A", 1L, 1L)), ADDRESS, "", ""));
    assertEquals("items", e.violations().getFirst().field());
  }
}
