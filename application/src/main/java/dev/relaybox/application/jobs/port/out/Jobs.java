package dev.relaybox.application.jobs.port.out;

import dev.relaybox.application.jobs.JobRef;
import java.util.Optional;

/** Enqueues jobs inside the caller's open {@link UnitOfWork}. */
public interface Jobs {

  /** @return the new job's id, or empty when an unfinished job with the same dedupe key already exists */
  Optional<Long> enqueue(EnqueueJob job);

  /**
   * Marks a running attempt done inside the caller's transaction, so a handler whose effect is local commits the
   * effect and the completion together. A stale attempt is ignored.
   */
  void markDone(JobRef job);

  /**
   * Cancels, inside the caller's transaction, the unfinished job of {@code handler} holding {@code dedupeKey} (a
   * scheduled poll made unnecessary by a webhook). A running attempt's later outcome is then ignored.
   *
   * @return how many jobs were cancelled (0 or 1)
   */
  int cancel(String handler, String dedupeKey, String reason);
}
