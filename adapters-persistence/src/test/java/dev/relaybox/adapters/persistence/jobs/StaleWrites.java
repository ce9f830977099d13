package dev.relaybox.adapters.persistence.jobs;

import dev.relaybox.application.jobs.JobObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the fenced-out writes a runner reports, as {@code subscription/kind}. */
final class StaleWrites implements JobObserver {
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @Override
  public void staleWrite(String subscription, String kind) {
    seen.add(subscription + "/" + kind);
  }

  List<String> seen() {
    return List.copyOf(seen);
  }
}
