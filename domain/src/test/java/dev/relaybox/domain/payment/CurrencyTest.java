package dev.relaybox.domain.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relaybox.domain.shared.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CurrencyTest {

  @ParameterizedTest
  @ValueSource(strings = {"XXX", "XTS", "XAU", "XDR", "QQQ", "usd", "US"})
  void refusesCodesThatAreNoMoneyCurrencyNamingCurrency(String code) {
    var e = assertThrows(ValidationException.class, () -> new Currency(code));
    assertEquals("currency", e.violations().getFirst().field());
  }

  @Test
  void acceptsMoneyCurrenciesIncludingThoseWithoutMinorUnits() {
    assertEquals("JPY", new Currency("JPY").code());
    assertEquals("EUR", new Currency("EUR").code());
  }
}
