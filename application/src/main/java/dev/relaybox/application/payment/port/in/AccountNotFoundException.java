package dev.relaybox.application.payment.port.in;

/** The account does not exist. */
public final class AccountNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AccountNotFoundException(String message) {
    super(message, null, false, false);
  }
}
