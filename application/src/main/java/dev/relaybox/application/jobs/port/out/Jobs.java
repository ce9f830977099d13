package dev.relaybox.application.jobs.port.out;

import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.LeaseLostException;
import java.util.Optional;

/** Enqueues jobs inside the caller's open {@link UnitOfWork}. */
public interface Jobs {

  /** @return the new job's id, or empty when an unfinished job with the same dedupe key already exists */
  Optional<Long> enqueue(EnqueueJob job);

  /**
   * Marks a running attempt done inside the caller's transaction, so a handler whose effect is local commits the
   * effect and the completion together.
   *
   * @throws LeaseLostException when the lease is gone (the job is no longer running under this token), so the
   *     caller's transaction rolls back and a stale handler's effect is not applied
   */
  void markDone(JobRef job);

  /**
   * Cancels, inside the caller's transaction, the unfinished job of {@code handler} holding {@code dedupeKey} (a
   * scheduled poll made unnecessary by a webhook). A running attempt's later outcome is then ignored.
   *
   * @return how many jobs were cancelled (0 or 1)
   */
  int cancel(String handler, String dedupeKey, String reason);

  /**
   * Asks the database whether the job still runs under this lease's token. Call it right before an external effect
   * (a send to Slack, an email, a webhook): a handler whose job was cancelled, rescued or timed out meanwhile then
   * stops instead of sending. The answer can turn stale the moment it is given, so it narrows the window for a
   * duplicate; it does not close it (receivers dedupe on the stable delivery id).
   */
  boolean stillHeld(JobRef job);

  /** {@link #stillHeld} or throw. @throws LeaseLostException when the lease is gone */
  default void ensureHeld(JobRef job) {
    if (!stillHeld(job)) {
      throw new LeaseLostException(job, "ensureHeld");
    }
  }
}
