package dev.relaybox.application.jobs;

/**
 * What one maintenance pass did: leases rescued (and of those, jobs gone dead), rows pruned (finished jobs, relayed
 * events, and webhook delivery attempts, all on the same retention).
 */
public record MaintenanceReport(int rescued, int buriedOnRescue, int prunedJobs, int prunedEvents, int prunedDeliveryAttempts) {
  public boolean didAnything() {
    return rescued + prunedJobs + prunedEvents + prunedDeliveryAttempts > 0;
  }
}
