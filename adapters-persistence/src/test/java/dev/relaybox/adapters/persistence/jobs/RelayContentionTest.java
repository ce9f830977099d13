package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.JobObserver;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RelayResult;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node relays at a time, chosen by a try-lock: the others skip instead of queueing behind it on the outbox rows,
 * and a key's events still become jobs, and run, in the order they were published.
 */
class RelayContentionTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  @Test
  void aRelayHeldOpenByAnotherNodeMakesThisNodeSkipInsteadOfWaitingAndClaimsGoOn() throws Exception {
    engine.register(Subscription.toEvents("parcel-audit", "parcel.*"));
    engine.publish("parcel.sent", "p-1");
    try (Connection otherNode = engine.pool.getConnection(); ExecutorService thisNode = Executors.newSingleThreadExecutor()) {
      // Another node is in the middle of its relay and stalls there (a GC pause): it holds the relay lock and the
      // unrelayed rows.
      otherNode.setAutoCommit(false);
      try (var relaying = otherNode.createStatement()) {
        relaying.execute("SELECT pg_advisory_xact_lock(" + JdbiJobStore.RELAY_LOCK + ")");
        relaying.execute("SELECT id FROM outbox_event WHERE relayed_at IS NULL ORDER BY id FOR UPDATE");
      }

      // Before, this relay queued on those rows until the other transaction ended; now it returns, skipped.
      Future<RelayResult> relay = thisNode.submit(() -> engine.store.relay(500, Instant.now()));
      RelayResult result = relay.get(30, TimeUnit.SECONDS);
      assertTrue(result.skipped(), result.toString());
      assertEquals(0, result.events());

      // This node's claim loops (and its own relay loop, which keeps skipping) go on: a command job runs meanwhile.
      long command = engine.enqueue(EnqueueJob.of("parcel-label", "{}"));
      engine.runner(Engine.settings("node-b"), handle(Subscription.forCommands("parcel-label"), job -> Outcome.done()));
      Await.until("the command job ran while the other node held the relay", () -> engine.state(command) == JobState.DONE);
      assertEquals(List.of(), queuedOnRows("outbox_event"), "no backend queues on the outbox");

      // Stop node-b while the other node still holds the relay: once released, node-b's relay loop would take the
      // event itself (or hold the lock so that the relay below skips).
      engine.stopRunners();
      otherNode.rollback();
    }
    RelayResult after = engine.store.relay(500, Instant.now());
    assertFalse(after.skipped());
    assertEquals(Map.of("parcel-audit", 1), after.jobsBySubscription());
  }

  @Test
  void threeRunnersRelayingOneOutboxRunEachKeysEventsInPublishOrderWithoutQueueing() throws Exception {
    int publishers = 4;
    int keysPerPublisher = 4;
    int perKey = 20;
    int total = publishers * keysPerPublisher * perKey;
    Subscription rides = Subscription.toEvents("ride-events", "ride.*").withFifoPerKey(true).withConcurrency(8);
    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    AtomicInteger handled = new AtomicInteger();
    JobHandler record = job -> {
      int n = engine.json.readTree(job.payloadJson()).get("n").asInt();
      seen.computeIfAbsent(job.key().orElseThrow(), k -> Collections.synchronizedList(new ArrayList<>())).add(n);
      handled.incrementAndGet();
      return Outcome.done();
    };
    for (String node : List.of("node-a", "node-b", "node-c")) {
      engine.runner(Engine.settings(node), engine.listener(), JobObserver.NONE, handle(rides, record));
    }

    AtomicBoolean sampling = new AtomicBoolean(true);
    Set<String> queued = ConcurrentHashMap.newKeySet();
    try (ExecutorService pool = Executors.newFixedThreadPool(publishers + 1)) {
      pool.submit(() -> {
        while (sampling.get()) {
          queued.addAll(queuedOnRows("outbox_event"));
          Thread.sleep(10);
        }
        return null;
      });
      List<Future<?>> publishing = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        int publisher = p;
        // Each key's events come from one publisher, one commit after the other: that is the order to keep.
        publishing.add(pool.submit(() -> {
          for (int n = 0; n < perKey; n++) {
            for (int k = 0; k < keysPerPublisher; k++) {
              engine.publish("ride.updated", "ride-" + publisher + "-" + k, "{\"n\":" + n + "}");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : publishing) {
        f.get(120, TimeUnit.SECONDS);
      }
      Await.until("every event was handled", () -> handled.get() >= total);
      sampling.set(false);
    }

    List<Integer> inOrder = IntStream.range(0, perKey).boxed().toList();
    assertEquals(publishers * keysPerPublisher, seen.size());
    seen.forEach((key, ns) -> assertEquals(inOrder, ns, "events of " + key + " ran out of order or twice"));
    assertEquals(total, engine.count("SELECT count(*) FROM job WHERE subscription = 'ride-events'"), "one job per event");
    assertEquals(0, engine.count("SELECT count(*) FROM outbox_event WHERE relayed_at IS NULL"));
    assertEquals(Set.of(), queued, "no relay ever queued behind another on the outbox");
  }

  /**
   * Backends of this database queued on another transaction's row locks (waiting for its transaction id, or for the
   * tuple lock of a row it holds) in a statement that mentions {@code table}, as "wait event: statement". Only row-lock
   * waits are a relay queueing behind another: the publishers' inserts may briefly wait on the table's extension lock
   * (wait event {@code extend}) when the disk is slow, and that is not what this test is about.
   */
  private static List<String> queuedOnRows(String table) {
    try (Connection c = engine.pool.getConnection();
         var q = c.prepareStatement("""
             SELECT wait_event || ': ' || query FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND wait_event IN ('transactionid', 'tuple') AND query LIKE ?""")) {
      q.setString(1, "%" + table + "%");
      List<String> waits = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          waits.add(rs.getString(1));
        }
      }
      return waits;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
