package dev.relaybox.application.order.port.out;

import dev.relaybox.domain.order.Order;

/** Writes an order as the JSON document its events carry. */
public interface OrderDocuments {
  String json(Order order);
}
