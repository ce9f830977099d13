package dev.relaybox.domain.purchase;

import java.util.Locale;

/** A one-time product or an auto-renewing subscription. */
public enum PurchaseKind {
  PRODUCT, SUBSCRIPTION;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PurchaseKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
