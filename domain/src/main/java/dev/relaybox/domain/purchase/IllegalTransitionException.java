package dev.relaybox.domain.purchase;

/** A state change the purchase's state machine does not allow. */
public final class IllegalTransitionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IllegalTransitionException(PurchaseState from, PurchaseState to) {
    super("a purchase cannot move from " + from.wire() + " to " + to.wire());
  }
}
