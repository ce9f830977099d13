package dev.relaybox.domain.payment;

import java.util.Locale;

/** Only an active account takes new transactions; a frozen one may still settle what it already accepted. */
public enum AccountStatus {
  ACTIVE, FROZEN, CLOSED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AccountStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
