package dev.relaybox.domain.order;

import java.util.Objects;

/** One line of an order; {@code unitPrice} is in the currency's minor units (cents). */
public record OrderLine(Sku sku, int quantity, long unitPrice) {
  public static final int MAX_QUANTITY = 10_000;
  public static final long MAX_UNIT_PRICE = 100_000_000_00L;

  public OrderLine {
    Objects.requireNonNull(sku, "sku");
    if (quantity < 1 || quantity > MAX_QUANTITY) {
      throw new IllegalArgumentException("quantity out of range");
    }
    if (unitPrice < 1 || unitPrice > MAX_UNIT_PRICE) {
      throw new IllegalArgumentException("unitPrice out of range");
    }
  }

  public long total() {
    return unitPrice * quantity;
  }
}
