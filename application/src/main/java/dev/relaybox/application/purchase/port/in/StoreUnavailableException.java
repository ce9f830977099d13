package dev.relaybox.application.purchase.port.in;

import java.time.Duration;

/** The store could not be reached or answered with a server error; the attempt was audited. Try again later. */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter;

  public StoreUnavailableException(String reason, Duration retryAfter) {
    super(reason, null, false, false);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
