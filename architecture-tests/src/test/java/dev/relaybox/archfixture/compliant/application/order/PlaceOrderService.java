package dev.relaybox.archfixture.compliant.application.order;

import dev.relaybox.archfixture.compliant.application.order.port.in.PlaceOrderCommand;
import dev.relaybox.archfixture.compliant.application.order.port.in.PlaceOrderUseCase;
import dev.relaybox.archfixture.compliant.application.order.port.out.Orders;
import dev.relaybox.archfixture.compliant.domain.order.Order;
import dev.relaybox.archfixture.compliant.domain.shared.OrderId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class PlaceOrderService implements PlaceOrderUseCase {
  private static final Logger LOG = LoggerFactory.getLogger(PlaceOrderService.class);
  private final Orders orders;

  public PlaceOrderService(Orders orders) {
    this.orders = orders;
  }

  @Override
  public OrderId placeOrder(PlaceOrderCommand command) {
    var order = new Order(new OrderId("o-1"), command.amountCents());
    orders.save(order);
    LOG.info("placed {}", order.id());
    return order.id();
  }
}
