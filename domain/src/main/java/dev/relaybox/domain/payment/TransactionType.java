package dev.relaybox.domain.payment;

import dev.relaybox.domain.shared.ValidationException;
import java.util.Locale;

/** A credit adds to the balance once the provider reports success; a debit holds funds first, then takes them. */
public enum TransactionType {
  CREDIT, DEBIT;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TransactionType fromWire(String value) {
    if (value == null || value.isBlank()) {
      throw ValidationException.of("type", "is required: credit or debit");
    }
    return switch (value) {
      case "credit" -> CREDIT;
      case "debit" -> DEBIT;
      default -> throw ValidationException.of("type", "must be credit or debit");
    };
  }
}
