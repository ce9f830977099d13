package dev.relaybox.archfixture.compliant.application.order.port.out;

import dev.relaybox.archfixture.compliant.domain.order.Order;
import dev.relaybox.archfixture.compliant.domain.shared.OrderId;
import java.util.Optional;

public interface Orders {
  void save(Order order);

  Optional<Order> find(OrderId id);
}
