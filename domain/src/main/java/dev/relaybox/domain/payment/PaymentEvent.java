package dev.relaybox.domain.payment;

import dev.relaybox.domain.shared.EventType;
import java.util.Optional;

/**
 * What a transaction announces: its acceptance and each final status it reaches. The event carries the transaction as
 * it is after the move. A rejected transaction replayed after a top-up announces again when it succeeds or fails.
 */
public enum PaymentEvent {
  CREATED("payment.created"), SUCCEEDED("payment.succeeded"), FAILED("payment.failed"), REJECTED("payment.rejected");

  private final EventType type;

  PaymentEvent(String type) {
    this.type = new EventType(type);
  }

  public EventType type() {
    return type;
  }

  /** The event a move to {@code status} announces; processing is an inner step and announces nothing. */
  public static Optional<PaymentEvent> announcing(TransactionStatus status) {
    return switch (status) {
      case PENDING -> Optional.of(CREATED);
      case SUCCEEDED -> Optional.of(SUCCEEDED);
      case FAILED -> Optional.of(FAILED);
      case REJECTED -> Optional.of(REJECTED);
      case PROCESSING -> Optional.empty();
    };
  }
}
