package dev.relaybox.application.jobs;

/**
 * Runs one attempt of a job. Delivery is at least once, so a handler must be idempotent. An exception counts as a
 * {@link Outcome.Retry}.
 */
@FunctionalInterface
public interface JobHandler {
  Outcome handle(ClaimedJob job) throws Exception;
}
