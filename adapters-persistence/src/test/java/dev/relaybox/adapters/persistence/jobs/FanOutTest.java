package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.RelayResult;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.domain.shared.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay turns one outbox event into one job per subscription whose filter matches, however many relays race. */
class FanOutTest {
  private static Engine engine;

  @BeforeAll
  static void startEngine() {
    engine = Engine.fresh();
    engine.register(
        Subscription.toEvents("exact", "order.shipped"),
        Subscription.toEvents("prefix", "order.*"),
        Subscription.toEvents("everything", "*"),
        Subscription.toEvents("created-only", "order.created"),
        Subscription.forCommands("commands-only"));
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @BeforeEach
  void emptyTables() {
    engine.sql("TRUNCATE outbox_event, job CASCADE");
  }

  private Map<String, Long> jobsPerSubscription(UUID eventId) {
    return engine.jdbi.withHandle(h -> h.createQuery("SELECT subscription, count(*) FROM job WHERE event_id = :id GROUP BY subscription")
        .bind("id", eventId)
        .reduceRows(new TreeMap<String, Long>(), (map, row) -> {
          map.put(row.getColumn(1, String.class), row.getColumn(2, Long.class));
          return map;
        }));
  }

  @Test
  void aSubscriptionNarrowedAtRunTimeGetsJobsOnlyForTheTypesItWantsUntilWidenedAgain() {
    var interest = new JdbiSubscriptionInterest(engine.unitOfWork);
    engine.unitOfWork.inTransaction(() -> {
      interest.holdRelays();
      interest.receiveOnly("everything", Set.of("order.shipped", "payment.*"));
      return null;
    });
    try {
      UUID shipped = engine.publish("order.shipped", "o-1");
      UUID created = engine.publish("order.created", "o-2");
      UUID settled = engine.publish("payment.settled", "p-1");
      engine.store.relay(100, Instant.now());

      assertEquals(Map.of("everything", 1L, "exact", 1L, "prefix", 1L), jobsPerSubscription(shipped));
      assertEquals(Map.of("prefix", 1L, "created-only", 1L), jobsPerSubscription(created), "nobody on 'everything' wants it");
      assertEquals(Map.of("everything", 1L), jobsPerSubscription(settled));

      engine.unitOfWork.inTransaction(() -> {
        interest.holdRelays();
        interest.receiveOnly("everything", Set.of());
        return null;
      });
      UUID later = engine.publish("order.shipped", "o-3");
      engine.store.relay(100, Instant.now());
      assertEquals(Map.of("exact", 1L, "prefix", 1L), jobsPerSubscription(later), "an empty interest wants nothing");
    } finally {
      engine.sql("UPDATE job_subscription SET wanted_types = NULL");
    }
  }

  @Test
  void aChangeOfInterestHoldsEveryRelayBackUntilItCommits() throws Exception {
    var interest = new JdbiSubscriptionInterest(engine.unitOfWork);
    engine.publish("order.created", "o-4");
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService admin = Executors.newSingleThreadExecutor()) {
      Future<?> change = admin.submit(() -> engine.unitOfWork.inTransaction(() -> {
        interest.holdRelays();
        held.countDown();
        await(release);
        interest.receiveOnly("everything", Set.of("order.created"));
        return null;
      }));
      assertTrue(held.await(60, TimeUnit.SECONDS), "the change holds the relays");
      RelayResult meanwhile = engine.store.relay(100, Instant.now());
      assertTrue(meanwhile.skipped(), "a relay during the change skips rather than relaying with the old interest");
      release.countDown();
      change.get(10, TimeUnit.SECONDS);
    } finally {
      engine.sql("UPDATE job_subscription SET wanted_types = NULL");
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void orderShippedReachesExactPrefixAndStarSubscriptionsButNotOrderCreated() {
    UUID event = engine.publish("order.shipped", "order-1", "{\"order\":\"order-1\"}");

    RelayResult result = engine.store.relay(100, Instant.now());

    assertEquals(1, result.events());
    assertEquals(Map.of("exact", 1, "prefix", 1, "everything", 1), result.jobsBySubscription());
    assertEquals(Map.of("exact", 1L, "prefix", 1L, "everything", 1L), jobsPerSubscription(event));
    assertEquals(1, engine.count("SELECT count(*) FROM outbox_event WHERE relayed_at IS NOT NULL"));
  }

  @Test
  void fannedOutJobsCarryTheEventTypeKeyAndPayload() {
    UUID event = engine.publish("order.shipped", "order-2", "{\"order\": \"order-2\"}");
    engine.store.relay(100, Instant.now());

    var job = engine.claimOne("exact", "node-a", Instant.now(), Duration.ofSeconds(30));

    assertEquals(event, job.eventId().orElseThrow());
    assertEquals("order.shipped", job.eventType().orElseThrow());
    assertEquals("order-2", job.key().orElseThrow());
    assertEquals("{\"order\": \"order-2\"}", job.payloadJson());
    assertEquals(1, job.attempt());
  }

  @Test
  void prefixFilterNeedsTheWholeFirstWord() {
    UUID orders = engine.publish("orders.shipped", "x");
    UUID created = engine.publish("order.created", "y");
    engine.store.relay(100, Instant.now());

    assertEquals(Map.of("everything", 1L), jobsPerSubscription(orders));
    assertEquals(Map.of("prefix", 1L, "everything", 1L, "created-only", 1L), jobsPerSubscription(created));
  }

  @Test
  void relayingAgainCreatesNothingNew() {
    engine.publish("order.shipped", "order-3");
    engine.store.relay(100, Instant.now());

    RelayResult again = engine.store.relay(100, Instant.now());

    assertEquals(new RelayResult(0, Map.of()), again);
    assertEquals(3, engine.count("SELECT count(*) FROM job"));
  }

  @Test
  void exactlyOneJobPerSubscriptionAndEventWhenManyRelaysRaceOverOneEvent() throws Exception {
    UUID event = engine.publish("order.shipped", "order-4");

    List<RelayResult> results = relayConcurrently(8, 1, 1);

    assertEquals(1, results.stream().mapToInt(RelayResult::events).sum(), "the event is relayed by exactly one relay");
    assertEquals(Map.of("exact", 1L, "prefix", 1L, "everything", 1L), jobsPerSubscription(event));
  }

  @Test
  void exactlyOneJobPerSubscriptionAndEventWhenManyRelaysRaceOverABacklog() throws Exception {
    int events = 600;
    for (int i = 0; i < events; i += 100) {
      int start = i;
      engine.unitOfWork.inTransaction(() -> {
        for (int n = start; n < start + 100; n++) {
          String type = switch (n % 3) {
            case 0 -> "order.shipped";
            case 1 -> "order.created";
            default -> "invoice.paid";
          };
          engine.outbox.publish(new OutboxEvent(UUID.randomUUID(), new EventType(type), "k" + n, "{}", Map.of()));
        }
      });
    }

    List<RelayResult> results = relayConcurrently(8, 25, 10);

    assertEquals(events, results.stream().mapToInt(RelayResult::events).sum(), "every event relayed exactly once");
    assertEquals(0, engine.count("SELECT count(*) FROM outbox_event WHERE relayed_at IS NULL"));
    assertEquals(0, engine.count("SELECT count(*) FROM (SELECT 1 FROM job GROUP BY subscription, event_id HAVING count(*) > 1) d"));
    // shipped (200) -> exact, prefix, everything; created (200) -> prefix, everything, created-only; paid (200) -> everything
    Map<String, Long> expected = Map.of("exact", 200L, "prefix", 400L, "everything", 600L, "created-only", 200L);
    Map<String, Long> actual = engine.jdbi.withHandle(h -> h.createQuery("SELECT subscription, count(*) FROM job GROUP BY subscription")
        .reduceRows(new TreeMap<String, Long>(), (map, row) -> {
          map.put(row.getColumn(1, String.class), row.getColumn(2, Long.class));
          return map;
        }));
    assertEquals(expected, actual);
    Map<String, Integer> reported = new TreeMap<>();
    results.forEach(r -> r.jobsBySubscription().forEach((s, n) -> reported.merge(s, n, Integer::sum)));
    assertEquals(Map.of("exact", 200, "prefix", 400, "everything", 600, "created-only", 200), reported);
  }

  /** Runs {@code rounds} relay calls on each of {@code threads} threads, all released at once. */
  private List<RelayResult> relayConcurrently(int threads, int rounds, int batchSize) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<RelayResult>>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          go.await();
          List<RelayResult> mine = new ArrayList<>();
          for (int r = 0; r < rounds; r++) {
            mine.add(engine.store.relay(batchSize, Instant.now()));
          }
          return mine;
        }));
      }
      go.countDown();
      List<RelayResult> all = new ArrayList<>();
      for (Future<List<RelayResult>> f : futures) {
        all.addAll(f.get(60, TimeUnit.SECONDS));
      }
      // whatever the racing rounds left behind
      RelayResult rest;
      while ((rest = engine.store.relay(batchSize, Instant.now())).events() > 0) {
        all.add(rest);
      }
      return all;
    }
  }
}
