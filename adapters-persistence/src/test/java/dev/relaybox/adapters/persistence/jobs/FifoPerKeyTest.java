package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.domain.shared.EventType;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On a FIFO subscription a key's next job waits until the one before it finishes; other keys are not held up. */
class FifoPerKeyTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  record Execution(String key, int seq, long startNanos, long endNanos, String node) {}

  private List<ClaimedJob> claimFifo(String subscription, String node) {
    Instant now = Instant.now();
    return engine.store.claim(new ClaimRequest(subscription, true, 100, node, now, now.plus(LEASE)));
  }

  @Test
  void keysRunOneAtATimeInOrderAcrossNodesAndASlowKeyDoesNotBlockTheOthers() {
    Subscription fifo = Subscription.toEvents("fifo-sink", "shipment.*").withFifoPerKey(true).withConcurrency(8);
    List<String> keys = List.of("k1", "k2", "k3", "k4", "slow");
    int perKey = 40;
    ConcurrentLinkedQueue<Execution> executions = new ConcurrentLinkedQueue<>();
    Function<String, JobHandler> recorder = node -> job -> {
      long start = System.nanoTime();
      String key = job.key().orElseThrow();
      int seq = engine.json.readTree(job.payloadJson()).get("seq").asInt();
      Thread.sleep(key.equals("slow") ? 250 : ThreadLocalRandom.current().nextInt(2, 15));
      executions.add(new Execution(key, seq, start, System.nanoTime(), node));
      return Outcome.done();
    };
    for (String node : List.of("node-a", "node-b")) {
      PgNotificationListener listener = engine.listener();
      RunnerSettings settings = Engine.settings(node);
      engine.runner(settings, listener, new SplittableRandom(), engine.clock, handle(fifo, recorder.apply(node)));
    }

    // Intake while the runners run: k1, k2 and slow arrive as outbox events, k3 and k4 as directly enqueued jobs.
    for (int seq = 1; seq <= perKey; seq++) {
      for (String key : keys) {
        String payload = "{\"seq\":" + seq + "}";
        if (key.equals("k3") || key.equals("k4")) {
          engine.enqueue(EnqueueJob.of("fifo-sink", payload).key(key));
        } else {
          engine.publish("shipment.updated", key, payload);
        }
      }
    }

    Await.until("all " + keys.size() * perKey + " jobs ran", () -> executions.size() == keys.size() * perKey);

    Map<String, List<Execution>> byKey = executions.stream()
        .collect(Collectors.groupingBy(Execution::key, Collectors.toList()));
    for (String key : keys) {
      List<Execution> runs = new ArrayList<>(byKey.get(key));
      runs.sort(Comparator.comparingLong(Execution::startNanos));
      assertEquals(IntStream.rangeClosed(1, perKey).boxed().toList(), runs.stream().map(Execution::seq).toList(),
          "key " + key + " ran in order, each job once");
      for (int i = 1; i < runs.size(); i++) {
        assertTrue(runs.get(i).startNanos() >= runs.get(i - 1).endNanos(),
            "key " + key + ": job " + runs.get(i).seq() + " started before job " + runs.get(i - 1).seq() + " ended");
      }
    }
    long othersFinished = executions.stream().filter(e -> !e.key().equals("slow")).mapToLong(Execution::endNanos).max().orElseThrow();
    long slowDoneByThen = byKey.get("slow").stream().filter(e -> e.endNanos() <= othersFinished).count();
    assertTrue(slowDoneByThen < perKey, "the other keys finished while the slow key was still in progress (" + slowDoneByThen + " of "
        + perKey + " slow jobs done by then)");
    // a handler returns before its completion commits (completions are batched): wait for the last batch
    Await.until("every job is done", () -> engine.count("SELECT count(*) FROM job WHERE subscription = 'fifo-sink' AND state = 'done'")
        == keys.size() * perKey);
  }

  @Test
  void aClaimWithABacklogOnManyKeysLooksUpEachCandidatesKeyInsteadOfScanningEveryWaitingJob() throws Exception {
    engine.register(Subscription.forCommands("fifo-backlog").withFifoPerKey(true));
    // 2,000 jobs on 700 keys; every third key's first job is running.
    insertJobs("fifo-backlog", """
        SELECT 'key-' || (g %% 700), CASE WHEN g < 700 AND g %% 3 = 0 THEN 'running' ELSE 'available' END
        FROM generate_series(0, 1999) g""");
    JsonNode plan = explainClaim("fifo-backlog", 200);
    long examined = examined(plan.get(0).get("Plan"));
    assertTrue(examined < 20L * 200, "the claim examined " + examined + " rows for 200 candidates among 2,000 waiting jobs: "
        + plan);
  }

  @Test
  void aHotKeysQueueBehindItsRunningHeadCostsNoLookUpPerWaitingJob() throws Exception {
    engine.register(Subscription.forCommands("fifo-hot").withFifoPerKey(true));
    // Four keys, each with its head running and 500 jobs queued behind it; then ten unkeyed jobs.
    insertJobs("fifo-hot", """
        SELECT 'hot-' || (g %% 4), CASE WHEN g < 4 THEN 'running' ELSE 'available' END FROM generate_series(0, 2003) g
        UNION ALL SELECT NULL, 'available' FROM generate_series(1, 10)""");
    JsonNode plan = explainClaim("fifo-hot", 200);
    assertEquals(0, subPlanLoops(plan.get(0).get("Plan")), "per-row look-ups of a key's head: " + plan);
    Instant now = Instant.now();
    List<ClaimedJob> claimed = engine.store.claim(new ClaimRequest("fifo-hot", true, 200, "node-a", now, now.plus(LEASE)));
    assertEquals(10, claimed.size(), "only the unkeyed jobs are claimable");
    assertTrue(claimed.stream().allMatch(job -> job.key().isEmpty()), "no job of a key whose head runs");
  }

  /** Inserts jobs from a query of (job_key, state) in the query's order, due a second ago. */
  private void insertJobs(String subscription, String keysAndStates) {
    engine.sql("""
        INSERT INTO job (subscription, seq, job_key, payload, headers, state, run_at, created_at)
        SELECT '%s', nextval('relay_order'), k.job_key, '{}', '{}', k.state, now() - interval '1 second', now()
        FROM (%s) AS k(job_key, state)""".formatted(subscription, keysAndStates.formatted()));
  }

  private JsonNode explainClaim(String subscription, int limit) throws Exception {
    return engine.jdbi.inTransaction(h -> {
      JsonNode explained = engine.json.readTree(h.createQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + JdbiJobStore.CLAIM_FIFO)
          .bind("subscription", subscription).bind("now", Instant.now()).bind("limit", limit).bind("node", "node-a")
          .bind("leaseUntil", Instant.now().plus(LEASE)).mapTo(String.class).one());
      h.rollback();
      return explained;
    });
  }

  /** Rows the plan examined: what every node returned or filtered out, times how often it ran. Work, not time. */
  private static long examined(JsonNode node) {
    long rows = node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong()
        + node.path("Rows Removed by Join Filter").asLong();
    long total = rows * node.path("Actual Loops").asLong(1);
    for (JsonNode child : node.path("Plans")) {
      total += examined(child);
    }
    return total;
  }

  /** How often the plan's correlated subqueries ran. */
  private static long subPlanLoops(JsonNode node) {
    long total = "SubPlan".equals(node.path("Parent Relationship").asText()) ? node.path("Actual Loops").asLong() : 0;
    for (JsonNode child : node.path("Plans")) {
      total += subPlanLoops(child);
    }
    return total;
  }

  @Test
  void aKeysNextJobWaitsWhileTheJobBeforeItIsRunningOrWaitingToRetry() {
    engine.register(Subscription.forCommands("fifo-retry").withFifoPerKey(true));
    long first = engine.enqueue(EnqueueJob.of("fifo-retry", "{}").key("customer-1"));
    long second = engine.enqueue(EnqueueJob.of("fifo-retry", "{}").key("customer-1"));
    long otherKey = engine.enqueue(EnqueueJob.of("fifo-retry", "{}").key("customer-2"));
    long noKey = engine.enqueue(EnqueueJob.of("fifo-retry", "{}"));

    List<ClaimedJob> heads = claimFifo("fifo-retry", "node-a");
    List<Long> claimed = heads.stream().map(ClaimedJob::id).toList();
    assertEquals(List.of(first, otherKey, noKey), claimed, "only the head of each key (and unkeyed jobs)");
    assertEquals(List.of(), claimFifo("fifo-retry", "node-b"), "the second job waits while the first runs");

    Instant now = Instant.now();
    engine.store.retry(heads.getFirst().ref(), now.plusSeconds(3600),
        new JobFailure(1, now, "node-a", "503"));
    assertEquals(List.of(), claimFifo("fifo-retry", "node-b"), "the second job waits while the first waits to retry");

    engine.sql("UPDATE job SET run_at = now() - interval '1 second' WHERE id = " + first);
    ClaimedJob retried = claimFifo("fifo-retry", "node-b").getFirst();
    assertEquals(first, retried.id());
    engine.store.bury(retried.ref(), new JobFailure(2, Instant.now(), "node-b", "gone"));

    assertEquals(List.of(second), claimFifo("fifo-retry", "node-b").stream().map(ClaimedJob::id).toList(),
        "a dead job no longer holds its key");
  }

  @Test
  void aKeysLaterEventIsNotClaimableWhileAnEarlierEventIsStillBeingRelayed() throws Exception {
    engine.register(Subscription.toEvents("fifo-relay", "parcel.*").withFifoPerKey(true));
    UUID earlier = publish("parcel.scanned", "parcel-9");
    UUID later = publish("parcel.delivered", "parcel-9");

    CompletableFuture<Void> secondRelay;
    try (Connection firstRelay = engine.pool.getConnection()) {
      // A relay on another node has picked up the earlier event (it holds the row lock) but not committed yet.
      firstRelay.setAutoCommit(false);
      try (var lock = firstRelay.prepareStatement("SELECT id FROM outbox_event WHERE event_id = ? FOR UPDATE")) {
        lock.setObject(1, earlier);
        lock.executeQuery().close();
      }
      secondRelay = CompletableFuture.runAsync(() -> engine.store.relay(100, Instant.now()));
      try {
        secondRelay.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException stillWaiting) {
        // expected: the second relay waits for the first instead of fanning out the later event on its own
      }

      List<ClaimedJob> claimed = claimFifo("fifo-relay", "node-a");
      assertTrue(claimed.stream().noneMatch(j -> j.eventId().orElseThrow().equals(later)),
          "the later event's job overtook the earlier event, whose job does not exist yet: " + claimed);
      firstRelay.rollback();
    }
    secondRelay.get(30, TimeUnit.SECONDS);
    engine.store.relay(100, Instant.now());

    List<ClaimedJob> claimed = claimFifo("fifo-relay", "node-a");
    assertEquals(List.of(earlier), claimed.stream().map(j -> j.eventId().orElseThrow()).toList());
  }

  private static UUID publish(String type, String key) {
    UUID id = UUID.randomUUID();
    engine.unitOfWork.inTransaction(() -> engine.outbox.publish(new OutboxEvent(id, new EventType(type), key, "{}", Map.of())));
    return id;
  }
}
