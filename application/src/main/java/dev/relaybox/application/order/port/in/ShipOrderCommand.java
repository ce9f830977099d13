package dev.relaybox.application.order.port.in;

import dev.relaybox.domain.shared.Violations;
import java.util.UUID;

/** Ship an order with a carrier and tracking number. */
public record ShipOrderCommand(UUID orderId, String carrier, String trackingNumber, String correlationId) {

  public static ShipOrderCommand of(UUID orderId, String carrier, String trackingNumber, String correlationId) {
    Violations v = new Violations();
    if (carrier == null || carrier.isBlank() || carrier.length() > 100) {
      v.add("carrier", "is required, at most 100 characters");
    }
    if (trackingNumber == null || trackingNumber.isBlank() || trackingNumber.length() > 100) {
      v.add("trackingNumber", "is required, at most 100 characters");
    }
    v.throwIfAny();
    return new ShipOrderCommand(orderId, carrier.strip(), trackingNumber.strip(), correlationId == null ? "" : correlationId);
  }
}
