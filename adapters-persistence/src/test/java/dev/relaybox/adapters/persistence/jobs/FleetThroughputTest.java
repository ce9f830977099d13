package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.adapters.persistence.testing.MutableClock;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import dev.relaybox.application.jobs.FleetThroughputView;
import dev.relaybox.application.jobs.ThroughputRing;
import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase.ThroughputMinute;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's throughput sums every node's published minutes, whichever node serves the page. */
class FleetThroughputTest {
  private static final Instant START = Instant.parse("2026-11-22T10:00:10Z");
  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private MutableClock clock;

  @BeforeAll
  static void open() {
    pool = TestDatabase.freshMigratedPool(4);
    jdbi = Databases.jdbi(pool);
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  @BeforeEach
  void empty() {
    jdbi.useHandle(h -> h.execute("TRUNCATE job_throughput"));
    clock = MutableClock.at(START);
  }

  private FleetThroughputView node(ThroughputRing ring, String id) {
    return new FleetThroughputView(ring, new JdbiFleetThroughput(jdbi), id, clock.instant(), clock);
  }

  @Test
  void eitherNodeShowsTheCompletionsAndRetriesOfBoth() {
    ThroughputRing ringA = new ThroughputRing(clock);
    ThroughputRing ringB = new ThroughputRing(clock);
    FleetThroughputView a = node(ringA, "node-a");
    FleetThroughputView b = node(ringB, "node-b");
    ringA.completed("assistance.delivery");
    ringA.completed("assistance.delivery");
    ringA.retried("assistance.delivery");
    ringB.completed("assistance.delivery");
    ringB.dead("purchase.backend");
    b.publish(); // node-b's periodic publish; node-a publishes as it serves the page

    List<ThroughputMinute> seenByA = a.lastMinutes();
    assertEquals(15 * 2, seenByA.size(), "every minute of the window for each subscription seen");
    ThroughputMinute now = new ThroughputMinute(Instant.parse("2026-11-22T10:00:00Z"), "assistance.delivery", 3, 1, 0);
    assertEquals(now, seenByA.get(seenByA.size() - 2));
    assertEquals(new ThroughputMinute(Instant.parse("2026-11-22T10:00:00Z"), "purchase.backend", 0, 0, 1), seenByA.getLast());
    assertEquals(seenByA, b.lastMinutes());
  }

  @Test
  void publishingAgainReplacesANodesCountsInsteadOfAddingThem() {
    ThroughputRing ring = new ThroughputRing(clock);
    FleetThroughputView a = node(ring, "node-a");
    ring.completed("s");
    a.publish();
    a.publish();
    ring.completed("s");
    assertEquals(2, a.lastMinutes().getLast().completed());
  }

  @Test
  void aNodeRestartedWithinTheMinuteAddsToItInsteadOfOverwritingIt() {
    ThroughputRing before = new ThroughputRing(clock);
    node(before, "node-a").publish();
    before.completed("s");
    before.completed("s");
    node(before, "node-a").publish();
    clock.advance(Duration.ofSeconds(20));
    ThroughputRing after = new ThroughputRing(clock); // the restarted process starts from zero
    after.completed("s");
    assertEquals(3, node(after, "node-a").lastMinutes().getLast().completed());
  }

  @Test
  void minutesOlderThanTheWindowAreLeftOutAndPrunedAfterAnHour() {
    ThroughputRing ring = new ThroughputRing(clock);
    FleetThroughputView a = node(ring, "node-a");
    ring.completed("s");
    a.publish();
    clock.advance(Duration.ofMinutes(20));
    assertEquals(0, a.lastMinutes().stream().mapToLong(ThroughputMinute::completed).sum());
    clock.advance(Duration.ofMinutes(50));
    a.publish();
    long rows = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM job_throughput").mapTo(Long.class).one());
    assertEquals(0, rows, "rows older than an hour");
  }
}
