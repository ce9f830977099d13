package dev.relaybox.application.shared.jobs;

import java.util.Optional;

/** A page of jobs, newest first; {@code beforeId} is the keyset cursor from the previous page. */
public record JobQuery(Optional<JobState> state, Optional<String> subscription, int limit, Optional<Long> beforeId) {
  public static final int MAX_LIMIT = 500;

  public JobQuery {
    if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
  }
}
