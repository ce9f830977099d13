package dev.relaybox.archfixture.compliant.adapters.http.order;

import dev.relaybox.archfixture.compliant.application.order.port.in.PlaceOrderCommand;
import dev.relaybox.archfixture.compliant.application.order.port.in.PlaceOrderUseCase;

public final class OrderRoutes {
  private final PlaceOrderUseCase placeOrder;

  public OrderRoutes(PlaceOrderUseCase placeOrder) {
    this.placeOrder = placeOrder;
  }

  public String post(long amountCents) {
    return placeOrder.placeOrder(new PlaceOrderCommand(amountCents)).value();
  }
}
