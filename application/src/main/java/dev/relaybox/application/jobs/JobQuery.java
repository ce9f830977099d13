package dev.relaybox.application.jobs;

import java.util.Optional;

/**
 * A page of jobs, newest first; {@code beforeId} is the keyset cursor from the previous page. {@code key} finds the
 * jobs of one business record (for assistance, the request id); it is not indexed, so it suits look-ups, not polling.
 */
public record JobQuery(Optional<JobState> state, Optional<String> subscription, int limit, Optional<Long> beforeId,
    Optional<String> key) {
  public static final int MAX_LIMIT = 500;

  public JobQuery {
    if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    key = key == null ? Optional.empty() : key;
  }

  public JobQuery(Optional<JobState> state, Optional<String> subscription, int limit, Optional<Long> beforeId) {
    this(state, subscription, limit, beforeId, Optional.empty());
  }
}
