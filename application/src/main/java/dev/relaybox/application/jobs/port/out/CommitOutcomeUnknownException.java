package dev.relaybox.application.jobs.port.out;

/**
 * The COMMIT was sent, the connection failed before its answer, and the database could not be asked afterwards
 * whether it committed. The work is either committed or rolled back, never pending: a retry with the same
 * {@code Idempotency-Key} finds out which.
 */
public final class CommitOutcomeUnknownException extends RuntimeException {
  public CommitOutcomeUnknownException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
