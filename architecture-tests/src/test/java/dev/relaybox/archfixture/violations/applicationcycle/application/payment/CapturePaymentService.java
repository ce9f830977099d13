package dev.relaybox.archfixture.violations.applicationcycle.application.payment;

import dev.relaybox.archfixture.violations.applicationcycle.application.order.PlaceOrderService;

/** VIOLATES APPLICATION_CONTEXTS_ARE_FREE_OF_CYCLES together with PlaceOrderService. */
public final class CapturePaymentService {
  public void capture(PlaceOrderService orders) {
    orders.markPaid();
  }
}
