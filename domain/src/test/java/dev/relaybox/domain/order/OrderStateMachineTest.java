package dev.relaybox.domain.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderStateMachineTest {
  private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

  private static Order pending() {
    return Order.pending(UUID.randomUUID(), "cus", "web", "EUR", List.of(new OrderLine(new Sku("A"), 2, 150)),
        new ShippingAddress("n", "l1", Optional.empty(), "c", "p", "DE"), "res-1", NOW);
  }

  @Test
  void anOrderMovesFromPendingThroughShippedToDelivered() {
    Order delivered = pending().authorized("auth-1", NOW).ship("DHL", "T1", NOW).deliver(NOW);
    assertEquals(OrderStatus.DELIVERED, delivered.status());
    assertEquals("auth-1", delivered.authorizationId().orElseThrow());
    assertEquals(300, delivered.amount());
  }

  @Test
  void aShippedOrderCannotBeCancelledAndACancelledOneCannotShip() {
    Order shipped = pending().authorized("a", NOW).ship("DHL", "T1", NOW);
    assertEquals(OrderStatus.SHIPPED, assertThrows(OrderConflictException.class, () -> shipped.cancel("requested", NOW)).current());
    Order cancelled = pending().authorized("a", NOW).cancel("requested", NOW);
    assertThrows(OrderConflictException.class, () -> cancelled.ship("DHL", "T", NOW));
    assertThrows(OrderConflictException.class, () -> cancelled.cancel("requested", NOW));
  }

  @Test
  void aDeclineCancelsWithItsReasonAndEachMoveAnnouncesItsEvent() {
    Order declined = pending().declined("auth-2", NOW);
    assertEquals("payment_declined", declined.cancelReason().orElseThrow());
    assertEquals("order.cancelled", OrderEvent.announcing(declined.status()).type().value());
    assertEquals("order.created", OrderEvent.announcing(OrderStatus.PROCESSING).type().value());
    assertThrows(IllegalArgumentException.class, () -> OrderEvent.announcing(OrderStatus.PENDING));
  }
}
