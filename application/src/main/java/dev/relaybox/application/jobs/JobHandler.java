package dev.relaybox.application.jobs;

/**
 * Runs one attempt of a job. Delivery is at least once, so a handler must be idempotent. An exception counts as a
 * {@link Outcome.Retry}.
 */
@FunctionalInterface
public interface JobHandler {
  Outcome handle(ClaimedJob job) throws Exception;

  /**
   * An operator cancelled one of this subscription's jobs; runs in the cancel's own transaction. A handler whose
   * records wait for the job to finish (a status a client polls) settles them here, since no attempt of this job
   * will ever do it; a replay of the job runs {@link #handle} again from those settled records.
   */
  default void cancelled(CancelledJob job) {}
}
