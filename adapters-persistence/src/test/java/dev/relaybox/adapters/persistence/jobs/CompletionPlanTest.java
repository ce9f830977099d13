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
 * A completion batch reads only its own jobs, however much the job table has grown since the connection first ran it.
 * A fresh install starts on an empty table, and a plan made then and cached on the connection scanned the whole table
 * for every batch once it had grown: in a lab run at 1,000 requests/s it was PostgreSQL's largest consumer (13 ms a
 * batch, 13 s of statement time in 30 s).
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
      long before = rowsScanned(jdbi);
      assertEquals(List.of(), store.complete(batch, Instant.now()));
      long scanned = rowsScanned(jdbi) - before;

      assertEquals(100, batch.size());
      assertTrue(scanned < 1_000, "the completion of 100 jobs read " + scanned + " rows of the job table in sequential scans");
    }
  }

  private static List<JobRef> claim(JdbiJobStore store, int max) {
    Instant now = Instant.now();
    return store.claim(new ClaimRequest(SUBSCRIPTION, false, max, "node-a", now, now.plus(Duration.ofMinutes(1))))
        .stream().map(ClaimedJob::ref).toList();
  }

  /**
   * Rows of {@code job} read by sequential scans, as the statistics show them once this session's counts are flushed
   * (the flush after the first statement, which asks for it).
   */
  private static long rowsScanned(Jdbi jdbi) {
    return jdbi.withHandle(h -> {
      h.createQuery("SELECT pg_stat_force_next_flush()").mapTo(String.class).one();
      h.execute("SELECT pg_stat_clear_snapshot()");
      return h.createQuery("SELECT seq_tup_read FROM pg_stat_user_tables WHERE relname = 'job'").mapTo(Long.class).one();
    });
  }
}
