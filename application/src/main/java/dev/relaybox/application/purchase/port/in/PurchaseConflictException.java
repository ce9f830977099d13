package dev.relaybox.application.purchase.port.in;

/** The purchase is already recorded for a different user. */
public final class PurchaseConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PurchaseConflictException(String message) {
    super(message, null, false, false);
  }
}
