package dev.relaybox.domain.order;

import java.time.Instant;
import java.util.Objects;

/** How an order was sent. */
public record Shipment(String carrier, String trackingNumber, Instant shippedAt) {
  public Shipment {
    Objects.requireNonNull(carrier, "carrier");
    Objects.requireNonNull(trackingNumber, "trackingNumber");
    Objects.requireNonNull(shippedAt, "shippedAt");
  }
}
