package dev.relaybox.adapters.persistence.jobs;

/** The LISTEN/NOTIFY channels; payloads are empty for the outbox and the subscription name for jobs. */
final class Signals {
  static final String OUTBOX_CHANNEL = "relaybox_outbox";
  static final String JOBS_CHANNEL = "relaybox_jobs";

  private Signals() {}
}
