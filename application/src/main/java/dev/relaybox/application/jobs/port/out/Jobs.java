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
}
