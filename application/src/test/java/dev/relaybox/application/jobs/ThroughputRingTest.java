package dev.relaybox.application.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase.ThroughputMinute;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputRingTest {
  private Instant now = Instant.parse("2026-11-22T10:00:30Z");
  private final Clock clock = new Clock() {
    @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };

  @Test
  void countsPerMinuteAndForgetsWhatIsOlderThanFifteenMinutes() {
    ThroughputRing ring = new ThroughputRing(clock);
    ring.completed("a");
    ring.completed("a");
    ring.retried("a");
    now = now.plus(Duration.ofMinutes(1));
    ring.dead("a");

    List<ThroughputMinute> minutes = ring.lastMinutes();
    assertEquals(15, minutes.size());
    assertEquals(new ThroughputMinute(Instant.parse("2026-11-22T10:00:00Z"), "a", 2, 1, 0), minutes.get(13));
    assertEquals(new ThroughputMinute(Instant.parse("2026-11-22T10:01:00Z"), "a", 0, 0, 1), minutes.get(14));

    now = now.plus(Duration.ofMinutes(15));
    ring.completed("a");
    List<ThroughputMinute> later = ring.lastMinutes();
    assertEquals(1, later.stream().mapToLong(ThroughputMinute::completed).sum(), "the old minutes were recycled");
    assertEquals(0, later.stream().mapToLong(ThroughputMinute::dead).sum());
  }
}
