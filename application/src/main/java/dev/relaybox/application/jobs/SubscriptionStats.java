package dev.relaybox.application.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Jobs per state for one subscription, and how long its oldest due job has waited (the lag). */
public record SubscriptionStats(String subscription, Map<JobState, Long> counts, Optional<Duration> oldestAvailableAge) {
  public SubscriptionStats {
    counts = Map.copyOf(counts);
  }
}
