package dev.relaybox.domain.payment;

/** A state change the transaction's state machine does not allow. */
public final class IllegalTransitionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IllegalTransitionException(TransactionStatus from, TransactionStatus to) {
    super("a transaction cannot move from " + from.wire() + " to " + to.wire());
  }
}
