package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.Subscription;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A heartbeat takes its jobs' row locks in id order, as a completion batch does, so the two never wait for each other
 * in a cycle. Joined to unnest(), the heartbeat's update locked rows in whatever order its plan read the table, and an
 * attacker's run at 800 requests/s saw it deadlock with a completion batch (PostgreSQL ended one of them after its
 * deadlock timeout, a second's stall for both).
 */
class HeartbeatLockOrderTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  @Test
  void aHeartbeatWaitingForAJobHoldsNoJobAfterIt() throws Exception {
    engine.register(Subscription.forCommands("heartbeat-order"));
    // Stored in the opposite order of their ids, so a plan that reads the table in its physical order meets the
    // highest id first.
    engine.sql("""
        INSERT INTO job (id, subscription, seq, payload, headers, state, run_at, created_at) OVERRIDING SYSTEM VALUE
        SELECT g, 'heartbeat-order', nextval('relay_order'), '{}', '{}', 'available', now() - interval '1 second', now()
        FROM generate_series(1000039, 1000000, -1) g""");
    Instant now = Instant.now();
    List<JobRef> running = engine.claim("heartbeat-order", "node-a", now, Duration.ofMinutes(1)).stream()
        .map(ClaimedJob::ref).sorted(Comparator.comparingLong(JobRef::id)).toList();
    assertEquals(40, running.size());
    JobRef middle = running.get(20);

    CompletableFuture<List<JobRef>> heartbeat;
    try (Connection completion = engine.pool.getConnection()) {
      // A completion batch that has reached the middle job: complete_jobs updates in id order.
      completion.setAutoCommit(false);
      try (var lock = completion.prepareStatement("SELECT id FROM job WHERE id = ? FOR UPDATE")) {
        lock.setLong(1, middle.id());
        lock.executeQuery().close();
      }
      heartbeat = CompletableFuture.supplyAsync(
          () -> engine.store.extendLeases("node-a", running.reversed(), now.plus(Duration.ofMinutes(2))));
      Await.until("the heartbeat waits for the middle job", () -> engine.count("""
          SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%lease_until = %'""") == 1);

      assertEquals(19, free(running.subList(21, 40)), "the heartbeat holds none of the jobs after the one it waits for");
      assertEquals(0, free(running.subList(0, 20)), "it holds every job before it");
      completion.rollback();
    }
    assertEquals(List.of(), heartbeat.get(30, TimeUnit.SECONDS), "every lease was extended once the completion let go");
  }

  /** How many of the jobs another session could lock now. */
  private static long free(List<JobRef> jobs) {
    return engine.jdbi.inTransaction(h -> h.createQuery(
            "SELECT count(*) FROM (SELECT id FROM job WHERE id = ANY (:ids) FOR UPDATE SKIP LOCKED) AS lockable")
        .bindArray("ids", Long.class, jobs.stream().map(JobRef::id).toList())
        .mapTo(Long.class).one());
  }
}
