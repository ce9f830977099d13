package dev.relaybox.domain.order;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where an order stands. {@code pending} while the payment is being authorised; {@code processing} once it is; then
 * {@code shipped} and {@code delivered}. {@code canceled} is reachable until the order ships.
 */
public enum OrderStatus {
  PENDING, PROCESSING, SHIPPED, DELIVERED, CANCELED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<OrderStatus> fromWire(String value) {
    for (OrderStatus s : values()) {
      if (s.wire().equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  public boolean canMoveTo(OrderStatus next) {
    return switch (this) {
      case PENDING -> Set.of(PROCESSING, CANCELED).contains(next);
      case PROCESSING -> Set.of(SHIPPED, CANCELED).contains(next);
      case SHIPPED -> next == DELIVERED;
      case DELIVERED, CANCELED -> false;
    };
  }
}
