package dev.relaybox.application.jobs.port.out;

import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase.ThroughputMinute;
import java.time.Instant;
import java.util.List;

/**
 * Per-minute job counts shared by every node, so the dashboard shows the fleet and not the node that served the page.
 * Each node writes its own counts (absolute, per minute and subscription, so writing them again is harmless) under its
 * own name; reads sum over the nodes.
 */
public interface FleetThroughput {

  /** Stores this node's counts for each given minute and subscription, replacing what it stored for them before. */
  void publish(String node, List<ThroughputMinute> minutes);

  /** The counts of every node since {@code from}, summed per minute and subscription, oldest first. */
  List<ThroughputMinute> since(Instant from);

  /** Forgets minutes before {@code before}; returns how many rows went. */
  int pruneBefore(Instant before);
}
