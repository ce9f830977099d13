package dev.relaybox.application.shared.port.out;

import java.util.Optional;

/** Enqueues jobs inside the caller's open {@link UnitOfWork}. */
public interface Jobs {

  /** @return the new job's id, or empty when an unfinished job with the same dedupe key already exists */
  Optional<Long> enqueue(EnqueueJob job);
}
