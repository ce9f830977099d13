package dev.relaybox.application.jobs;

/**
 * The lease of a job is gone: it was cancelled, rescued after its lease expired, timed out, or given back, and another
 * attempt may own it now. Thrown inside a handler's own transaction (by {@code Jobs.markDone} or
 * {@code Jobs.ensureHeld}) so the transaction rolls back and the stale handler's effect is not applied; the runner
 * then records nothing for the attempt.
 */
public final class LeaseLostException extends RuntimeException {
  private final transient JobRef job;
  private final String write;

  /** @param write what the stale handler tried, as a metric label: {@code markDone} or {@code ensureHeld} */
  public LeaseLostException(JobRef job, String write) {
    super("job " + job.id() + " is no longer held by lease " + job.token() + " (" + write + ")");
    this.job = job;
    this.write = write;
  }

  public JobRef job() {
    return job;
  }

  public String write() {
    return write;
  }
}
