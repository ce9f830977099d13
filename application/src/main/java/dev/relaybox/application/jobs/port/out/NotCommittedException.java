package dev.relaybox.application.jobs.port.out;

/**
 * The work was rolled back and nothing of it will commit later: the caller may safely try again (HTTP answers 503
 * with {@code Retry-After}). Thrown when the deadline passed before the commit started, when the caller was
 * interrupted, during shutdown, on a lock or statement timeout, and after a COMMIT whose outcome was checked and found
 * to be a rollback.
 */
public final class NotCommittedException extends RuntimeException {
  public NotCommittedException(String reason) {
    super(reason);
  }

  public NotCommittedException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
