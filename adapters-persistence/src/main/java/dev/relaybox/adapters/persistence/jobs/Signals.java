package dev.relaybox.adapters.persistence.jobs;

/**
 * The LISTEN/NOTIFY channels; payloads are empty for the outbox, the subscription name for jobs, and
 * {@code <job id>:<lease token>} for a running job an operator cancelled.
 */
final class Signals {
  static final String OUTBOX_CHANNEL = "relaybox_outbox";
  static final String JOBS_CHANNEL = "relaybox_jobs";
  static final String REVOKED_CHANNEL = "relaybox_lease_revoked";

  private Signals() {}
}
