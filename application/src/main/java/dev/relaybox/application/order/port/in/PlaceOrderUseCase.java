package dev.relaybox.application.order.port.in;

import dev.relaybox.domain.order.Order;

/**
 * Checks the customer, reserves stock, stores the order as pending and authorises the payment, all before answering.
 *
 * @throws OutOfStockException when some SKUs cannot be reserved (nothing is stored)
 * @throws dev.relaybox.application.order.port.out.DependencyUnavailableException when a dependency gives no answer;
 *     whatever was done is compensated by a retried job
 */
public interface PlaceOrderUseCase {
  PlacedOrder place(PlaceOrderCommand command);

  /** {@code replayed} when the Idempotency-Key had already placed this order. */
  record PlacedOrder(Order order, boolean replayed) {}
}
