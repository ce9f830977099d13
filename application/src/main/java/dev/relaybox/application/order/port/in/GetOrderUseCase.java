package dev.relaybox.application.order.port.in;

import dev.relaybox.application.order.port.out.Orders.OrderPage;
import dev.relaybox.application.order.port.out.Orders.OrderQuery;
import dev.relaybox.domain.order.Order;
import dev.relaybox.domain.order.OrderChange;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads orders: one with its history, or a page filtered by customer and status. */
public interface GetOrderUseCase {
  Optional<Order> get(UUID id);

  List<OrderChange> history(UUID id);

  OrderPage list(OrderQuery query);
}
