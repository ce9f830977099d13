package dev.relaybox.application.jobs.port.in;

import java.time.Instant;
import java.util.List;

/** Jobs finished per minute over the last quarter hour, oldest minute first (the whole fleet, or one node). */
public interface ObserveThroughputUseCase {

  List<ThroughputMinute> lastMinutes();

  record ThroughputMinute(Instant minute, String subscription, long completed, long retried, long dead) {}
}
