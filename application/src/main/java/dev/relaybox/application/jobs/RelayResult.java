package dev.relaybox.application.jobs;

import java.util.Map;

/** One relay batch: how many outbox events were fanned out and how many jobs each subscription received. */
public record RelayResult(int events, Map<String, Integer> jobsBySubscription) {
  public RelayResult {
    jobsBySubscription = Map.copyOf(jobsBySubscription);
  }
}
