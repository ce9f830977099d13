package dev.relaybox.domain.payment;

/** A debit larger than the account's available funds. */
public final class InsufficientFundsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InsufficientFundsException(long available, long requested) {
    super("insufficient_funds: available " + available + ", requested " + requested, null, false, false);
  }
}
