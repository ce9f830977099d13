package dev.relaybox.domain.purchase;

import java.util.Locale;

/** Where a purchase was made. */
public enum Store {
  APPLE, GOOGLE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Store fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
