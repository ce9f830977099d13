package dev.relaybox.application.order.port.in;

import dev.relaybox.domain.order.Order;
import java.util.Optional;
import java.util.UUID;

/**
 * Moves an order along: ship, deliver, cancel. Each runs under the order's row lock, so of a concurrent ship and cancel
 * exactly one wins; the other gets {@link dev.relaybox.domain.order.OrderConflictException}.
 *
 * @return empty when there is no such order
 */
public interface ChangeOrderUseCase {
  Optional<Order> ship(ShipOrderCommand command);

  Optional<Order> deliver(UUID orderId, String correlationId);

  Optional<Order> cancel(UUID orderId, String correlationId);
}
