package dev.relaybox.archfixture.violations.applicationcycle.application.order;

import dev.relaybox.archfixture.violations.applicationcycle.application.payment.CapturePaymentService;

/** VIOLATES APPLICATION_CONTEXTS_ARE_FREE_OF_CYCLES together with CapturePaymentService. */
public final class PlaceOrderService {
  public void place(CapturePaymentService payments) {
    payments.capture(this);
  }

  public void markPaid() {}
}
