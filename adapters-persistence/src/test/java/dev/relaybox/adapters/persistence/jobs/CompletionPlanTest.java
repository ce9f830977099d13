package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A completion batch reads only its own jobs, whatever the statistics said when the connection first ran it. A plan
 * made while the job table was empty (a fresh install) scanned the whole table for every batch once it had grown: in a
 * lab run at 1,000 requests/s it was PostgreSQL's largest consumer (13 ms a batch, 13 s of statement time in 30 s). A
 * plan made while the statistics showed no running job drove the batch from every running job instead: the raw SQL
 * ceiling of the benchmark fell from ~25,000 to ~2,000 jobs/s.
 */
class CompletionPlanTest {
  private static final String SUBSCRIPTION = "plan-sink";
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  @Test
  void aCompletionAfterTheTableGrewFromEmptyReadsItsOwnRowsNotTheWholeTable() {
    // One connection, so every completion below runs on the session that planned the first ones.
    try (HikariDataSource oneConnection = ConnectionPool.open(engine.target, 1)) {
      Jdbi jdbi = Databases.jdbi(oneConnection);
      JdbiJobStore store = new JdbiJobStore(jdbi, engine.json);
      engine.sql("ANALYZE job");
      for (int i = 0; i < 20; i++) {
        engine.enqueueMany(SUBSCRIPTION, 1);
        List<JobRef> claimed = claim(store, 1);
        assertEquals(List.of(), store.complete(claimed, Instant.now()));
      }

      engine.enqueueMany(SUBSCRIPTION, 20_000);
      List<JobRef> batch = claim(store, 100);
      long before = rowsRead(jdbi);
      assertEquals(List.of(), store.complete(batch, Instant.now()));
      long read = rowsRead(jdbi) - before;

      assertEquals(100, batch.size());
      assertTrue(read < 1_000, "the completion of 100 jobs read " + read + " rows of the job table");
    }
  }

  @Test
  void aCompletionWhileTheStatisticsShowNoRunningJobReadsItsOwnRowsNotEveryRunningJob() {
    try (HikariDataSource oneConnection = ConnectionPool.open(engine.target, 1)) {
      Jdbi jdbi = Databases.jdbi(oneConnection);
      JdbiJobStore store = new JdbiJobStore(jdbi, engine.json);
      engine.sql("DELETE FROM job");
      engine.enqueueMany(SUBSCRIPTION, 20_000);
      engine.sql("ANALYZE job"); // every job still waiting: the statistics know no running one
      for (int i = 0; i < 10; i++) {
        assertEquals(List.of(), store.complete(claim(store, 1), Instant.now()));
      }

      List<JobRef> running = new java.util.ArrayList<>();
      for (List<JobRef> claimed = claim(store, 1_000); !claimed.isEmpty(); claimed = claim(store, 1_000)) {
        running.addAll(claimed);
      }
      List<JobRef> batch = running.subList(0, 1_000);
      long before = rowsRead(jdbi);
      assertEquals(List.of(), store.complete(batch, Instant.now()));
      long read = rowsRead(jdbi) - before;

      assertEquals(19_990, running.size());
      assertTrue(read < 5_000, "the completion of 1,000 of " + running.size() + " running jobs read " + read + " rows of the job table");
    }
  }

  private static List<JobRef> claim(JdbiJobStore store, int max) {
    Instant now = Instant.now();
    return store.claim(new ClaimRequest(SUBSCRIPTION, false, max, "node-a", now, now.plus(Duration.ofMinutes(1))))
        .stream().map(ClaimedJob::ref).toList();
  }

  /**
   * Rows of {@code job} read by sequential and index scans, as the statistics show them once this session's counts are
   * flushed (the flush after the first statement, which asks for it).
   */
  private static long rowsRead(Jdbi jdbi) {
    return jdbi.withHandle(h -> {
      h.createQuery("SELECT pg_stat_force_next_flush()").mapTo(String.class).one();
      h.execute("SELECT pg_stat_clear_snapshot()");
      return h.createQuery("SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relname = 'job'")
          .mapTo(Long.class).one();
    });
  }
}
