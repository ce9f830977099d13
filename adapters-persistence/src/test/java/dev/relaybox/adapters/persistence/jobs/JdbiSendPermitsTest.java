package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.adapters.persistence.shared.Migrations;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import dev.relaybox.application.jobs.port.out.SendPermits;
import dev.relaybox.application.jobs.port.out.SendPermits.Rate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fleet-wide rate limit on a real PostgreSQL, with two pools standing in for two nodes. */
class JdbiSendPermitsTest {
  private static HikariDataSource nodeA;
  private static HikariDataSource nodeB;
  private static HikariDataSource nodeC;
  private static SendPermits permitsA;
  private static SendPermits permitsB;
  private static SendPermits permitsC;

  @BeforeAll
  static void setUp() {
    JdbcTarget database = TestDatabase.freshDatabase();
    nodeA = ConnectionPool.open(database, 4);
    Migrations.apply(nodeA);
    nodeB = ConnectionPool.open(database, 4);
    nodeC = ConnectionPool.open(database, 4);
    permitsA = new JdbiSendPermits(Databases.jdbi(nodeA), Clock.systemUTC());
    permitsB = new JdbiSendPermits(Databases.jdbi(nodeB), Clock.systemUTC());
    permitsC = new JdbiSendPermits(Databases.jdbi(nodeC), Clock.systemUTC());
  }

  @AfterAll
  static void tearDown() {
    nodeA.close();
    nodeB.close();
    nodeC.close();
  }

  @Test
  void theBurstGoesAtOnceAndEveryLaterCallerGetsItsOwnLaterSlot() {
    Rate slack = new Rate(1, 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(Duration.ZERO, permitsA.take("slack-burst", "r" + i, slack), "within the burst");
    }
    Duration fourth = permitsB.take("slack-burst", "r3", slack);
    Duration fifth = permitsA.take("slack-burst", "r4", slack);
    assertBetween(Duration.ofMillis(1), Duration.ofSeconds(1), fourth);
    assertBetween(fourth.plusMillis(500), fourth.plusSeconds(1), fifth);
    Duration again = permitsB.take("slack-burst", "r3", slack);
    assertTrue(again.compareTo(fourth) <= 0, "asking again keeps the same slot, not a later one: " + again);
  }

  @Test
  void aHolderThatComesBackWhenItsSlotIsDueGetsIt() throws Exception {
    Rate fast = new Rate(2, 1);
    assertEquals(Duration.ZERO, permitsA.take("fast", "first", fast));
    Duration wait = permitsB.take("fast", "second", fast);
    assertTrue(wait.isPositive());
    Thread.sleep(wait.plusMillis(5));
    assertEquals(Duration.ZERO, permitsA.take("fast", "second", fast), "its slot, taken on another node");
  }

  @Test
  void twoNodesTogetherStayWithinOneRate() throws Exception {
    Rate rate = new Rate(50, 3);
    long start = System.nanoTime();
    List<Long> at = grantTimesOnTwoNodes("shared", rate, 100);
    assertEquals(100, at.size(), "every caller got a permit");
    // Per-node limits (100/s together) would still fail: 100 in 1 s against 79 allowed, and in about half the time.
    assertWithinRate(at, start, rate, 0);
  }

  @Test
  void atFastRatesTwoNodesTakingChunksStillStayWithinOneRate() throws Exception {
    Rate rate = new Rate(1000, 5);
    int chunk = JdbiSendPermits.chunkSize(rate);
    assertTrue(chunk > 1, "1,000/s is taken in chunks");
    long start = System.nanoTime();
    // Two seconds' worth, so stretches of a second and more exist to judge.
    List<Long> at = grantTimesOnTwoNodes("fast-shared", rate, 2_000);
    assertEquals(2_000, at.size(), "every caller got a permit");
    // Each node may spend a chunk up to one chunk span after the database granted it: one chunk per node on top.
    // Per-node limits (2,000/s together) would still fail: 2,000 in 1 s against 1,546 allowed, and in half the time.
    assertWithinRate(at, start, rate, 2 * chunk);
  }

  @Test
  void nodesSendingWellBelowAFastRateReserveOnlyWhatTheySend() throws Exception {
    // The cluster kit's Slack setting: 5,000/s for the fleet, a burst of 5,000. Three nodes send 100/s each for 1.5 s.
    Rate rate = new Rate(5_000, 5_000);
    List<SendPermits> nodes = List.of(permitsA, permitsB, permitsC);
    List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> senders = new ArrayList<>();
      for (int n = 0; n < nodes.size(); n++) {
        SendPermits node = nodes.get(n);
        String prefix = "sparse-node-" + n + "-request-";
        senders.add(threads.submit(() -> {
          for (int i = 0; i < 150; i++) {
            Duration wait = node.take("sparse", prefix + i, rate);
            if (wait.isPositive()) {
              waits.add(wait);
            }
            Thread.sleep(10);
          }
          return null;
        }));
      }
      for (Future<?> sender : senders) {
        sender.get();
      }
    }
    assertEquals(List.of(), waits, "sends told to wait at 6 % of the rate");
    // What they reserved is what they sent: the schedule is not ahead of the clock, so the burst is still there for
    // the next claim's deliveries. A node that reserved a whole chunk (20 ms' worth, 100 permits) for the two sends
    // it made in that time kept the schedule a whole burst (1 s) ahead after half a second.
    double leadSeconds = Databases.jdbi(nodeA).withHandle(h -> h.createQuery(
            "SELECT extract(epoch FROM tat - clock_timestamp()) FROM send_rate WHERE bucket = 'sparse'")
        .mapTo(Double.class).one());
    assertTrue(leadSeconds < 0.25, "the schedule runs " + leadSeconds + " s ahead of the clock after 6 % of the rate");
  }

  @Test
  void aRaisedRateBringsTheReservedPermitsAndTheJobsWaitingForThemForward() {
    Rate slow = new Rate(1, 1);
    permitsA.applyRate("raised", slow);
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      waits.add(permitsA.take("raised", "raised-request-" + i, slow));
    }
    assertTrue(waits.getLast().compareTo(Duration.ofSeconds(25)) > 0, "30 requests at 1/s: the last waits ~29 s: " + waits.getLast());
    // Each delivery that was told to wait is deferred to its slot, keyed by its request id (the holder).
    Databases.jdbi(nodeA).useHandle(h -> {
      for (int i = 1; i < 30; i++) {
        h.createUpdate("""
                INSERT INTO job (subscription, seq, job_key, payload, headers, state, run_at, created_at)
                VALUES ('raised-delivery', nextval('relay_order'), :key, '{}', '{}', 'available', now() + :wait * interval '1 microsecond', now())""")
            .bind("key", "raised-request-" + i)
            .bind("wait", waits.get(i).toNanos() / 1_000)
            .execute();
      }
      // A job of another key, retrying later on its own account, is not touched.
      h.execute("""
          INSERT INTO job (subscription, seq, job_key, payload, headers, state, run_at, created_at)
          VALUES ('raised-delivery', nextval('relay_order'), 'someone-else', '{}', '{}', 'available', now() + interval '20 seconds', now())""");
    });

    Rate fast = new Rate(1_000, 3);
    permitsB.applyRate("raised", fast); // a node started with the raised setting

    double latestJob = Databases.jdbi(nodeA).withHandle(h -> h.createQuery("""
            SELECT extract(epoch FROM max(run_at) - clock_timestamp()) FROM job
            WHERE subscription = 'raised-delivery' AND job_key LIKE 'raised-request-%'""")
        .mapTo(Double.class).one());
    assertTrue(latestJob < 1.0, "the last waiting delivery is due in " + latestJob + " s, not at the old rate");
    Duration lastWait = permitsB.take("raised", "raised-request-29", fast);
    assertTrue(lastWait.compareTo(Duration.ofSeconds(1)) < 0, "the last holder's permit is due in " + lastWait);
    double otherJob = Databases.jdbi(nodeA).withHandle(h -> h.createQuery(
            "SELECT extract(epoch FROM run_at - clock_timestamp()) FROM job WHERE job_key = 'someone-else'")
        .mapTo(Double.class).one());
    assertTrue(otherJob > 15, "a job not waiting for a permit keeps its time: due in " + otherJob + " s");

    String schedule = "SELECT tat::text FROM send_rate WHERE bucket = 'raised'";
    String before = Databases.jdbi(nodeA).withHandle(h -> h.createQuery(schedule).mapTo(String.class).one());
    permitsA.applyRate("raised", fast);
    assertEquals(before, Databases.jdbi(nodeA).withHandle(h -> h.createQuery(schedule).mapTo(String.class).one()),
        "a node starting with the same rate changes nothing");
  }

  @Test
  void aNodeStillRunningWithTheOldRateTakesItsPermitsAtTheRateOfTheNodeStartedLast() {
    Rate slow = new Rate(2, 3);
    permitsA.applyRate("mixed", slow);
    for (int i = 0; i < 20; i++) {
      permitsA.take("mixed", "mixed-booked-" + i, slow);
    }
    Rate fast = new Rate(1_000, 50);
    permitsB.applyRate("mixed", fast); // a node restarted with the raised setting while node A runs on

    // Node A claims deliveries and asks with its old setting. At 2/s each new one would be booked half a second after
    // the last, pushing the schedule ahead of node B, which then deferred every delivery until node A was gone.
    Duration longest = Duration.ZERO;
    for (int i = 0; i < 200; i++) {
      Duration wait = permitsA.take("mixed", "mixed-still-old-" + i, slow);
      longest = wait.compareTo(longest) > 0 ? wait : longest;
    }
    assertTrue(longest.compareTo(Duration.ofSeconds(1)) < 0, "200 permits at the bucket's 1,000/s; the longest wait was " + longest);
    assertTrue(permitsB.take("mixed", "mixed-new-node", fast).compareTo(Duration.ofSeconds(1)) < 0, "node B is not held back");
  }

  /**
   * In every stretch of a second or more at most the burst (plus {@code extra}) and the rate times its length were
   * granted, and the last grant came no sooner after {@code startNanos} than the rate demands. The database grants on
   * its own clock and the callers see the grants later; after a stall (GC, a starved carrier thread, an fsync) every
   * due holder wakes at once, so shorter stretches are not judged and each gets half a second of slack. The run is
   * timed from before the first request, so a first grant recorded late does not shorten it.
   */
  private static void assertWithinRate(List<Long> at, long startNanos, Rate rate, int extra) {
    for (int i = 0; i < at.size(); i++) {
      for (int j = at.size() - 1; j > i; j--) {
        double seconds = (at.get(j) - at.get(i)) / 1e9;
        if (seconds < 1.0) {
          break;
        }
        int calls = j - i + 1;
        assertTrue(calls <= rate.burst() + extra + rate.perSecond() * (seconds + 0.5) + 1,
            calls + " permits within " + seconds + " s exceed " + rate.perSecond() + "/s with a burst of " + rate.burst());
      }
    }
    double total = (at.getLast() - startNanos) / 1e9;
    double demanded = (at.size() - rate.burst() - extra - 1) / rate.perSecond();
    assertTrue(total >= demanded - 0.1, at.size() + " permits took only " + total + " s; the rate demands " + demanded);
  }

  /** When each of {@code callers} callers, half on each node, got its permit (waiting as told), sorted. */
  private static List<Long> grantTimesOnTwoNodes(String bucket, Rate rate, int callers) throws Exception {
    List<Long> grantedAtNanos = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> senders = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < callers; i++) {
        SendPermits node = i % 2 == 0 ? permitsA : permitsB;
        String holder = bucket + "-request-" + i;
        senders.add(threads.submit(() -> {
          Duration wait;
          while ((wait = node.take(bucket, holder, rate)).isPositive()) {
            Thread.sleep(wait);
          }
          grantedAtNanos.add(System.nanoTime());
          return null;
        }));
      }
      for (Future<?> sender : senders) {
        sender.get();
      }
    }
    return grantedAtNanos.stream().sorted().toList();
  }

  private static void assertBetween(Duration low, Duration high, Duration actual) {
    assertTrue(actual.compareTo(low) >= 0 && actual.compareTo(high) <= 0, actual + " not within " + low + ".." + high);
  }
}
