package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.runner.JobRunner;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three nodes on one database drain a backlog together: nothing is lost and nothing is completed twice. */
class MultiNodeDrainTest {
  private static Engine engine;
  private final List<HikariDataSource> nodePools = new ArrayList<>();

  @BeforeAll
  static void startEngine() {
    engine = Engine.fresh();
    engine.sql("CREATE TABLE processed (job_id bigint NOT NULL, subscription text NOT NULL, attempt int NOT NULL, node text NOT NULL)");
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  /** One node: its own pool, store, listener and runner, as a separate process would have. */
  private JobRunner startNode(String node, List<Subscription> subscriptions) {
    HikariDataSource pool = ConnectionPool.open(engine.target, 10);
    nodePools.add(pool);
    Jdbi jdbi = Databases.jdbi(pool);
    JdbiJobStore store = new JdbiJobStore(jdbi, engine.json);
    JobHandler recordOnce = job -> {
      jdbi.useHandle(h -> h.execute("INSERT INTO processed (job_id, subscription, attempt, node) VALUES (?, ?, ?, ?)",
          job.id(), job.subscription(), job.attempt(), node));
      return Outcome.done();
    };
    List<HandlerRegistration> registrations = subscriptions.stream().map(s -> handle(s, recordOnce)).toList();
    PgNotificationListener listener = engine.listener();
    JobRunner runner = new JobRunner(store, listener, registrations, Engine.settings(node), Clock.systemUTC(), new SplittableRandom());
    runner.start();
    return runner;
  }

  @Test
  void threeNodesDrainTwentyThousandJobsWithNothingLostAndNothingCompletedTwice() {
    List<Subscription> subscriptions = List.of(
        Subscription.toEvents("billing", "order.*").withConcurrency(16),
        Subscription.toEvents("audit", "*").withConcurrency(16),
        Subscription.forCommands("commands").withConcurrency(16));
    List<JobRunner> runners = new ArrayList<>();
    try {
      for (String node : List.of("node-1", "node-2", "node-3")) {
        runners.add(startNode(node, subscriptions));
      }

      // 5,000 events fanned out to billing and audit, and 10,000 commands, interleaved while the nodes work.
      for (int round = 0; round < 10; round++) {
        engine.publishMany("order.placed", 500);
        engine.enqueueMany("commands", 1_000);
      }

      Await.until("20,000 jobs are done", () -> engine.count("SELECT count(*) FROM job WHERE state = 'done'"), n -> n == 20_000);
    } finally {
      runners.forEach(JobRunner::close);
      engine.stopRunners();
      nodePools.forEach(HikariDataSource::close);
    }

    assertEquals(20_000, engine.count("SELECT count(*) FROM job"));
    assertEquals(20_000, engine.count("SELECT count(*) FROM job WHERE state = 'done' AND attempts = 1 AND lease_owner IS NULL"));
    assertEquals(20_000, engine.count("SELECT count(*) FROM processed"), "each job's handler ran exactly once");
    assertEquals(20_000, engine.count("SELECT count(DISTINCT job_id) FROM processed"));
    assertEquals(0, engine.count("SELECT count(*) FROM job j WHERE NOT EXISTS (SELECT 1 FROM processed p WHERE p.job_id = j.id)"));
    assertEquals(0, engine.count("SELECT count(*) FROM outbox_event WHERE relayed_at IS NULL"));
    Map<String, Long> perSubscription = engine.jdbi.withHandle(h -> h.createQuery("SELECT subscription, count(*) FROM processed GROUP BY 1")
        .reduceRows(new TreeMap<String, Long>(), (map, row) -> {
          map.put(row.getColumn(1, String.class), row.getColumn(2, Long.class));
          return map;
        }));
    assertEquals(Map.of("audit", 5_000L, "billing", 5_000L, "commands", 10_000L), perSubscription);
    Map<String, Long> doneByStats = new TreeMap<>();
    engine.admin.stats(Instant.now()).forEach(stats -> doneByStats.put(stats.subscription(), stats.counts().get(JobState.DONE)));
    assertEquals(perSubscription, doneByStats, "the done counts of /admin/stats, kept while three nodes completed and folded");
    assertTrue(engine.count("SELECT count(DISTINCT node) FROM processed") >= 2, "the work was shared between nodes");
  }
}
