package dev.relaybox.application.order.port.in;

import java.time.Duration;
import java.util.Objects;

/**
 * An earlier request with the same Idempotency-Key has not finished placing its order and this retry could not finish
 * it now (a dependency gave no answer). Nothing was undone: the key stays bound to the order, so a later retry with
 * the same key finishes it.
 */
public final class OrderInProgressException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Duration retryAfter;

  public OrderInProgressException(String reason, Duration retryAfter) {
    super(reason, null, false, false);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
