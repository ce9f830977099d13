package dev.relaybox.application.payment.port.in;

/** The account is frozen or closed: it takes no new transactions. */
public final class AccountNotActiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AccountNotActiveException(String message) {
    super(message, null, false, false);
  }
}
