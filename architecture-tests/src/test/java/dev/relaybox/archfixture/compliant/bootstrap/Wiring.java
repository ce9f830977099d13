package dev.relaybox.archfixture.compliant.bootstrap;

import dev.relaybox.archfixture.compliant.adapters.http.order.OrderRoutes;
import dev.relaybox.archfixture.compliant.adapters.notify.email.SmtpEmailChannel;
import dev.relaybox.archfixture.compliant.adapters.notify.slack.SlackChannel;
import dev.relaybox.archfixture.compliant.adapters.persistence.order.JdbiOrders;
import dev.relaybox.archfixture.compliant.application.order.PlaceOrderService;
import dev.relaybox.archfixture.compliant.application.payment.CapturePaymentService;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** bootstrap may depend on everything. */
public final class Wiring {
  private Wiring() {}

  public static List<Object> wire(Jdbi jdbi) {
    var orders = new JdbiOrders(jdbi);
    return List.of(new OrderRoutes(new PlaceOrderService(orders)), new CapturePaymentService(orders),
        new SlackChannel(), new SmtpEmailChannel());
  }
}
