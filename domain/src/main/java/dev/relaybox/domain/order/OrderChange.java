package dev.relaybox.domain.order;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One line of an order's history: a move from one status to another (none for the first), and why. */
public record OrderChange(Optional<OrderStatus> from, OrderStatus to, String reason, Instant at) {
  public OrderChange {
    from = from == null ? Optional.empty() : from;
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
