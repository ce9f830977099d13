package dev.relaybox.application.jobs;

import java.time.Instant;
import java.util.Optional;

/** Which dead jobs to replay: one subscription or all, and a window on when they died. */
public record ReplayFilter(Optional<String> subscription, Optional<Instant> diedFrom, Optional<Instant> diedUntil, int limit) {
  public static final int MAX_LIMIT = 10_000;

  public ReplayFilter {
    if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    if (diedFrom.isPresent() && diedUntil.isPresent() && diedUntil.get().isBefore(diedFrom.get())) {
      throw new IllegalArgumentException("diedUntil must not be before diedFrom");
    }
  }
}
