package dev.relaybox.application.jobs.runner;

import dev.relaybox.application.jobs.JobRef;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The leases this node holds: claimed and not yet settled (including completions not yet written). */
final class LeaseBook {
  private final ConcurrentHashMap<Long, JobRef> held = new ConcurrentHashMap<>();

  void hold(JobRef job) {
    held.put(job.id(), job);
  }

  void release(JobRef job) {
    held.remove(job.id(), job);
  }

  void releaseAll(Collection<JobRef> jobs) {
    jobs.forEach(this::release);
  }

  List<JobRef> snapshot() {
    return List.copyOf(held.values());
  }

  boolean isEmpty() {
    return held.isEmpty();
  }
}
