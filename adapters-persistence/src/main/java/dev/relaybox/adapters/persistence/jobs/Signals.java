package dev.relaybox.adapters.persistence.jobs;

/**
 * The LISTEN/NOTIFY channels; payloads are empty for the outbox and the API keys, the subscription name for jobs, and
 * {@code <job id>:<lease token>} for a running job an operator cancelled.
 */
public final class Signals {
  static final String OUTBOX_CHANNEL = "relaybox_outbox";
  static final String JOBS_CHANNEL = "relaybox_jobs";
  static final String REVOKED_CHANNEL = "relaybox_lease_revoked";
  /** Raised in the transaction that creates or deletes an API key. */
  public static final String KEYS_CHANNEL = "relaybox_keys";

  private Signals() {}
}
