package dev.relaybox.application.order.port.in;

import java.util.List;

/** The inventory could not reserve these SKUs; nothing was stored. */
public final class OutOfStockException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> skus;

  public OutOfStockException(List<String> skus) {
    super("out of stock: " + String.join(", ", skus), null, false, false);
    this.skus = List.copyOf(skus);
  }

  public List<String> skus() {
    return skus;
  }
}
