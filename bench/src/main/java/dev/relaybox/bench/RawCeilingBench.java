package dev.relaybox.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL ceiling for the runner's shape: one thread loops the bare claim statement (the non-FIFO claim of
 * {@code JdbiJobStore}, same batch size) and hands ids to one thread that loops the bare batched complete statement.
 * Two connections, like the runner's claim loop and completion flusher; plain JDBC, no handlers, no Jdbi.
 */
final class RawCeilingBench {
  private static final Logger LOG = LoggerFactory.getLogger(RawCeilingBench.class);

  // Kept textually identical to JdbiJobStore.CLAIM / JdbiJobStore.complete, with positional parameters.
  static final String CLAIM = """
      WITH picked AS (
        SELECT id FROM job
        WHERE subscription = ? AND state = 'available' AND run_at <= ?
        ORDER BY run_at, id
        LIMIT ?
        FOR UPDATE SKIP LOCKED)
      UPDATE job j SET state = 'running', attempts = j.attempts + 1, lease_owner = ?, lease_until = ?
      FROM picked WHERE j.id = picked.id
      RETURNING j.id, j.subscription, j.event_id, j.event_type, j.job_key, j.payload::text AS payload, j.headers::text AS headers, j.attempts, j.created_at""";

  static final String COMPLETE = """
      UPDATE job j SET state = 'done', finished_at = ?, lease_owner = NULL, lease_until = NULL
      FROM unnest(?, ?) AS c(id, attempt)
      WHERE j.id = c.id AND j.attempts = c.attempt AND j.state = 'running'""";

  private static final int COMPLETE_BATCH = 1_000;
  private static final long[] POISON = new long[0];

  private final BenchDatabase db;

  RawCeilingBench(BenchDatabase db) {
    this.db = db;
  }

  double run(BenchConfig config, int jobs) throws Exception {
    db.resetEngineTables();
    db.loadBacklog(jobs);
    LinkedBlockingQueue<long[]> claimed = new LinkedBlockingQueue<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (Connection claimConnection = db.target().connect("bench-raw-claim");
         Connection completeConnection = db.target().connect("bench-raw-complete")) {
      long start = System.nanoTime();
      Thread claimer = Thread.ofPlatform().name("raw-claim").start(() -> {
        try {
          claimLoop(claimConnection, config.claimBatch(), claimed);
        } catch (Exception e) {
          failure.set(e);
        } finally {
          claimed.add(POISON);
        }
      });
      long completed = completeLoop(completeConnection, claimed);
      double seconds = (System.nanoTime() - start) / 1e9;
      claimer.join(TimeUnit.SECONDS.toMillis(10));
      if (failure.get() != null) {
        throw failure.get();
      }
      if (completed != jobs) {
        throw new IllegalStateException("raw loop completed " + completed + " of " + jobs);
      }
      LOG.info("raw ceiling: {} jobs in {} s = {} jobs/s", jobs, String.format("%.2f", seconds), String.format("%.0f", jobs / seconds));
      return jobs / seconds;
    }
  }

  private static void claimLoop(Connection c, int batch, LinkedBlockingQueue<long[]> out) throws SQLException {
    try (PreparedStatement claim = c.prepareStatement(CLAIM)) {
      while (true) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        claim.setString(1, BenchDatabase.SUBSCRIPTION);
        claim.setObject(2, now);
        claim.setInt(3, batch);
        claim.setString(4, "bench-raw");
        claim.setObject(5, now.plusSeconds(30));
        List<long[]> rows = new ArrayList<>(batch);
        try (ResultSet rs = claim.executeQuery()) {
          while (rs.next()) {
            // Read every returned column, as the store's row mapper does.
            rs.getString("subscription");
            rs.getObject("event_id");
            rs.getString("event_type");
            rs.getString("job_key");
            rs.getString("payload");
            rs.getString("headers");
            rs.getObject("created_at", OffsetDateTime.class);
            rows.add(new long[] {rs.getLong("id"), rs.getInt("attempts")});
          }
        }
        if (rows.isEmpty()) {
          return;
        }
        for (long[] row : rows) {
          out.add(row);
        }
      }
    }
  }

  private static long completeLoop(Connection c, LinkedBlockingQueue<long[]> in) throws SQLException, InterruptedException {
    long completed = 0;
    try (PreparedStatement complete = c.prepareStatement(COMPLETE)) {
      List<long[]> batch = new ArrayList<>(COMPLETE_BATCH);
      boolean finished = false;
      while (!finished) {
        batch.add(in.take());
        in.drainTo(batch, COMPLETE_BATCH - 1);
        if (batch.getLast() == POISON) {
          batch.removeLast();
          finished = true;
        }
        if (!batch.isEmpty()) {
          Long[] ids = new Long[batch.size()];
          Integer[] attempts = new Integer[batch.size()];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = batch.get(i)[0];
            attempts[i] = (int) batch.get(i)[1];
          }
          Array idArray = c.createArrayOf("bigint", ids);
          Array attemptArray = c.createArrayOf("integer", attempts);
          complete.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
          complete.setArray(2, idArray);
          complete.setArray(3, attemptArray);
          completed += complete.executeUpdate();
          batch.clear();
        }
      }
    }
    return completed;
  }
}
