package dev.relaybox.application.payment.port.in;

/** Payments are not configured or not reachable right now. */
public final class PaymentsUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PaymentsUnavailableException(String message) {
    super(message, null, false, false);
  }
}
