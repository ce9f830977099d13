package dev.relaybox.application.payment.port.in;

/** The Idempotency-Key was used before with a different request. */
public final class IdempotencyConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdempotencyConflictException(String message) {
    super(message, null, false, false);
  }
}
