package dev.relaybox.application.purchase.port.in;

/** The store (or its signature) refused the purchase or notification; the refusal was audited. */
public final class PurchaseRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PurchaseRejectedException(String reason) {
    super(reason, null, false, false);
  }
}
