package dev.relaybox.archfixture.compliant.application.payment;

import dev.relaybox.archfixture.compliant.application.order.port.out.Orders;
import dev.relaybox.archfixture.compliant.domain.payment.Payment;
import dev.relaybox.archfixture.compliant.domain.shared.OrderId;
import java.util.Optional;

/** application payment -> application order is one-way: allowed. */
public final class CapturePaymentService {
  private final Orders orders;

  public CapturePaymentService(Orders orders) {
    this.orders = orders;
  }

  public Optional<Payment> capture(OrderId id) {
    return orders.find(id).map(order -> new Payment(order, "ref"));
  }
}
