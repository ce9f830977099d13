package dev.relaybox.domain.payment;

import java.util.Locale;
import java.util.Optional;

/** What the payment provider says about a transaction. */
public enum ProviderStatus {
  PENDING, SUCCEEDED, FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean terminal() {
    return this != PENDING;
  }

  public static Optional<ProviderStatus> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    return switch (value) {
      case "pending" -> Optional.of(PENDING);
      case "succeeded" -> Optional.of(SUCCEEDED);
      case "failed" -> Optional.of(FAILED);
      default -> Optional.empty();
    };
  }
}
