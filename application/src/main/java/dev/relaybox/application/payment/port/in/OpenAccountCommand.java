package dev.relaybox.application.payment.port.in;

import dev.relaybox.domain.payment.Currency;
import java.util.Objects;

public record OpenAccountCommand(Currency currency) {
  public OpenAccountCommand {
    Objects.requireNonNull(currency, "currency");
  }

  public static OpenAccountCommand of(String currency) {
    return new OpenAccountCommand(new Currency(currency));
  }
}
