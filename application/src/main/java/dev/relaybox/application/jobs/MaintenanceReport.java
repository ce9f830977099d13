package dev.relaybox.application.jobs;

/** What one maintenance pass did: leases rescued (and of those, jobs gone dead), rows pruned. */
public record MaintenanceReport(int rescued, int buriedOnRescue, int prunedJobs, int prunedEvents) {
  public boolean didAnything() {
    return rescued + prunedJobs + prunedEvents > 0;
  }
}
