package dev.relaybox.archfixture.compliant.adapters.persistence.order;

import dev.relaybox.archfixture.compliant.application.order.port.out.Orders;
import dev.relaybox.archfixture.compliant.domain.order.Order;
import dev.relaybox.archfixture.compliant.domain.shared.OrderId;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

public final class JdbiOrders implements Orders {
  private final Jdbi jdbi;

  public JdbiOrders(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public void save(Order order) {
    jdbi.useHandle(handle -> handle.execute("insert into orders values (?)", order.id().value()));
  }

  @Override
  public Optional<Order> find(OrderId id) {
    return Optional.empty();
  }
}
