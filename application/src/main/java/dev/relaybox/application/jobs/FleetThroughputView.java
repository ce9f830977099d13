package dev.relaybox.application.jobs;

import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase;
import dev.relaybox.application.jobs.port.out.FleetThroughput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The dashboard's throughput for the whole fleet: this node's {@link ThroughputRing} is published to the shared
 * {@link FleetThroughput} every few seconds (and at once before a read, so the serving node is never behind), and reads
 * sum every node's minutes. Another node's last few seconds show up at its next publish.
 *
 * <p>The name under which a node publishes carries its start time as well as its node id, so a node restarted within a
 * minute under the same id adds to that minute instead of overwriting the counts of its previous life.
 */
public final class FleetThroughputView implements ObserveThroughputUseCase {
  /** How long published minutes are kept: the dashboard shows a quarter hour; the rest is slack for clock skew. */
  static final Duration KEEP = Duration.ofHours(1);

  private final ThroughputRing local;
  private final FleetThroughput fleet;
  private final String publisher;
  private final Clock clock;
  private Instant lastPrune = Instant.MIN;

  public FleetThroughputView(ThroughputRing local, FleetThroughput fleet, String nodeId, Instant startedAt, Clock clock) {
    this.local = local;
    this.fleet = fleet;
    this.publisher = nodeId + "@" + startedAt.truncatedTo(ChronoUnit.MILLIS);
    this.clock = clock;
  }

  /** Writes this node's non-empty minutes; once in a while forgets minutes older than {@link #KEEP}. */
  public synchronized void publish() {
    List<ThroughputMinute> counted = local.lastMinutes().stream()
        .filter(m -> m.completed() + m.retried() + m.dead() > 0)
        .toList();
    if (!counted.isEmpty()) {
      fleet.publish(publisher, counted);
    }
    Instant now = clock.instant();
    if (lastPrune.isBefore(now.minus(Duration.ofMinutes(5)))) {
      fleet.pruneBefore(now.minus(KEEP));
      lastPrune = now;
    }
  }

  @Override
  public List<ThroughputMinute> lastMinutes() {
    publish();
    Instant current = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    Instant first = current.minus(Duration.ofMinutes(ThroughputRing.MINUTES - 1));
    Map<Instant, Map<String, ThroughputMinute>> byMinute = new HashMap<>();
    TreeSet<String> subscriptions = new TreeSet<>();
    for (ThroughputMinute m : fleet.since(first)) {
      byMinute.computeIfAbsent(m.minute(), k -> new HashMap<>()).put(m.subscription(), m);
      subscriptions.add(m.subscription());
    }
    // The same shape as one node's ring: every minute of the window, every subscription seen, zeros filled in.
    List<ThroughputMinute> out = new ArrayList<>();
    for (Instant minute = first; !minute.isAfter(current); minute = minute.plus(Duration.ofMinutes(1))) {
      Map<String, ThroughputMinute> counts = byMinute.getOrDefault(minute, Map.of());
      for (String subscription : subscriptions) {
        out.add(counts.getOrDefault(subscription, new ThroughputMinute(minute, subscription, 0, 0, 0)));
      }
    }
    return out;
  }
}
