package dev.relaybox.application.jobs.runner;

import java.time.Duration;
import java.util.Objects;

/**
 * How one node runs jobs.
 *
 * @param node id written into every lease this node takes
 * @param pollInterval fallback poll when no wake-up arrives
 * @param lease how long a claim is held without a heartbeat; heartbeats run every third of it
 * @param claimBatch most jobs one claim statement takes
 * @param relayBatch most outbox events one relay statement fans out
 * @param shutdownGrace how long in-flight jobs may take to finish on shutdown
 * @param maintenanceInterval how often this node tries to run maintenance
 * @param retention how long finished jobs and relayed events are kept
 * @param pruneBatch most rows one prune statement deletes
 */
public record RunnerSettings(
    String node,
    Duration pollInterval,
    Duration lease,
    int claimBatch,
    int relayBatch,
    Duration shutdownGrace,
    Duration maintenanceInterval,
    Duration retention,
    int pruneBatch) {

  public RunnerSettings {
    Objects.requireNonNull(node, "node");
    requirePositive(pollInterval, "pollInterval");
    requirePositive(lease, "lease");
    requirePositive(maintenanceInterval, "maintenanceInterval");
    requirePositive(retention, "retention");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    if (claimBatch < 1 || relayBatch < 1 || pruneBatch < 1) throw new IllegalArgumentException("batch sizes must be positive");
  }

  public static RunnerSettings defaults(String node) {
    return new RunnerSettings(node, Duration.ofSeconds(1), Duration.ofSeconds(30), 200, 500,
        Duration.ofSeconds(25), Duration.ofSeconds(5), Duration.ofDays(7), 5_000);
  }

  public RunnerSettings withLease(Duration value) {
    return new RunnerSettings(node, pollInterval, value, claimBatch, relayBatch, shutdownGrace, maintenanceInterval, retention, pruneBatch);
  }

  public RunnerSettings withPollInterval(Duration value) {
    return new RunnerSettings(node, value, lease, claimBatch, relayBatch, shutdownGrace, maintenanceInterval, retention, pruneBatch);
  }

  public RunnerSettings withMaintenanceInterval(Duration value) {
    return new RunnerSettings(node, pollInterval, lease, claimBatch, relayBatch, shutdownGrace, value, retention, pruneBatch);
  }

  public RunnerSettings withShutdownGrace(Duration value) {
    return new RunnerSettings(node, pollInterval, lease, claimBatch, relayBatch, value, maintenanceInterval, retention, pruneBatch);
  }

  public RunnerSettings withClaimBatch(int value) {
    return new RunnerSettings(node, pollInterval, lease, value, relayBatch, shutdownGrace, maintenanceInterval, retention, pruneBatch);
  }

  public RunnerSettings withRetention(Duration value) {
    return new RunnerSettings(node, pollInterval, lease, claimBatch, relayBatch, shutdownGrace, maintenanceInterval, value, pruneBatch);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
  }
}
