package dev.relaybox.application.jobs;

import java.util.Map;

/**
 * One relay batch: how many outbox events were fanned out and how many jobs each subscription received.
 * {@code skipped} means another node was relaying at that moment, so this one did nothing rather than queue.
 */
public record RelayResult(int events, Map<String, Integer> jobsBySubscription, boolean skipped) {
  public RelayResult {
    jobsBySubscription = Map.copyOf(jobsBySubscription);
  }

  public RelayResult(int events, Map<String, Integer> jobsBySubscription) {
    this(events, jobsBySubscription, false);
  }

  /** Another node holds the relay lock. */
  public static RelayResult skippedBusy() {
    return new RelayResult(0, Map.of(), true);
  }
}
