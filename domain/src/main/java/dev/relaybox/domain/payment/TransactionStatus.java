package dev.relaybox.domain.payment;

import java.util.Locale;
import java.util.Set;

/**
 * pending (accepted) → processing (funds held, at the provider) → succeeded | failed. A debit without the funds is
 * rejected; a rejected transaction may be retried (its job replayed after a top-up) and move on to processing.
 */
public enum TransactionStatus {
  PENDING, PROCESSING, SUCCEEDED, FAILED, REJECTED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TransactionStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Succeeded and failed are final; rejected is final unless an operator replays it. */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == REJECTED;
  }

  public boolean canMoveTo(TransactionStatus next) {
    return switch (this) {
      case PENDING -> Set.of(PROCESSING, REJECTED, FAILED).contains(next);
      case PROCESSING -> next == SUCCEEDED || next == FAILED;
      case REJECTED -> next == PROCESSING || next == FAILED;
      case SUCCEEDED, FAILED -> false;
    };
  }
}
