package dev.relaybox.application.jobs;

import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-minute counts of completed, retried and dead jobs on this node, per subscription, for the last
 * {@value #MINUTES} minutes: a small ring fed by the runner, read by the ops dashboard. Nothing is persisted.
 */
public final class ThroughputRing implements JobObserver, ObserveThroughputUseCase {
  public static final int MINUTES = 15;

  private final Clock clock;
  private final Map<String, Slot[]> rings = new ConcurrentHashMap<>();

  public ThroughputRing(Clock clock) {
    this.clock = clock;
  }

  private static final class Slot {
    long minute = -1;
    long completed;
    long retried;
    long dead;
  }

  @Override
  public void completed(String subscription) {
    add(subscription, 0);
  }

  @Override
  public void retried(String subscription) {
    add(subscription, 1);
  }

  @Override
  public void dead(String subscription) {
    add(subscription, 2);
  }

  private void add(String subscription, int kind) {
    long minute = clock.millis() / 60_000;
    Slot[] ring = rings.computeIfAbsent(subscription, s -> newRing());
    Slot slot = ring[(int) (minute % MINUTES)];
    synchronized (slot) {
      if (slot.minute != minute) {
        slot.minute = minute;
        slot.completed = slot.retried = slot.dead = 0;
      }
      switch (kind) {
        case 0 -> slot.completed++;
        case 1 -> slot.retried++;
        default -> slot.dead++;
      }
    }
  }

  @Override
  public List<ThroughputMinute> lastMinutes() {
    long now = clock.millis() / 60_000;
    List<ThroughputMinute> out = new ArrayList<>();
    Map<String, Slot[]> sorted = new TreeMap<>(rings);
    for (long minute = now - MINUTES + 1; minute <= now; minute++) {
      Instant at = Instant.ofEpochSecond(minute * 60).truncatedTo(ChronoUnit.MINUTES);
      for (var entry : sorted.entrySet()) {
        Slot slot = entry.getValue()[(int) (minute % MINUTES)];
        synchronized (slot) {
          boolean current = slot.minute == minute;
          out.add(new ThroughputMinute(at, entry.getKey(), current ? slot.completed : 0, current ? slot.retried : 0,
              current ? slot.dead : 0));
        }
      }
    }
    return out;
  }

  private static Slot[] newRing() {
    Slot[] ring = new Slot[MINUTES];
    for (int i = 0; i < MINUTES; i++) {
      ring[i] = new Slot();
    }
    return ring;
  }
}
