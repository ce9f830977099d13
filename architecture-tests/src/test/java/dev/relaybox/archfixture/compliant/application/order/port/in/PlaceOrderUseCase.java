package dev.relaybox.archfixture.compliant.application.order.port.in;

import dev.relaybox.archfixture.compliant.domain.shared.OrderId;

public interface PlaceOrderUseCase {
  OrderId placeOrder(PlaceOrderCommand command);
}
