package dev.relaybox.bench;

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
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL ceiling for the runner's shape: claimer threads loop the bare claim statement (the non-FIFO claim of
 * {@code JdbiJobStore}) and hand ids and lease tokens to one thread that loops the bare batched complete statement.
 * One connection per claimer plus one for completion, like the runner's claim loops and completion flusher; plain JDBC,
 * no handlers, no Jdbi. {@link #sweep} reports the best of claim batch × claimers, so the ceiling is not one guess.
 */
final class RawCeilingBench {
  private static final Logger LOG = LoggerFactory.getLogger(RawCeilingBench.class);

  // Kept textually identical to JdbiJobStore.CLAIM and JdbiJobStore.COMPLETE (named parameters there, positional here).
  static final String CLAIM = "SELECT j.id, j.subscription, j.event_id, j.event_type, j.job_key, j.payload::text AS payload, "
      + "j.headers::text AS headers, j.attempts, j.lease_token, j.created_at FROM claim_jobs(?, ?, ?, ?, ?) j";

  static final String COMPLETE = "SELECT id FROM complete_jobs(?, ?, ?) AS id";

  static final int[] SWEEP_BATCHES = {100, 200, 500, 1_000};
  static final int[] SWEEP_CLAIMERS = {1, 2, 4};

  /** The best cell of a sweep, and every cell's rate ("batch x claimers" to jobs/s). */
  record Sweep(double best, String bestCell, java.util.Map<String, Double> cells) {}

  private static final int COMPLETE_BATCH = 1_000;
  private static final long[] POISON = new long[0];

  private final BenchDatabase db;

  RawCeilingBench(BenchDatabase db) {
    this.db = db;
  }

  /** Every claim batch × claimers cell once, each draining its own backlog of {@code jobsPerCell}. */
  Sweep sweep(int jobsPerCell) throws Exception {
    java.util.Map<String, Double> cells = new java.util.LinkedHashMap<>();
    double best = 0;
    String bestCell = "";
    for (int batch : SWEEP_BATCHES) {
      for (int claimers : SWEEP_CLAIMERS) {
        double rate = run(batch, claimers, jobsPerCell);
        String cell = batch + " x " + claimers;
        cells.put(cell, rate);
        if (rate > best) {
          best = rate;
          bestCell = cell;
        }
      }
    }
    LOG.info("raw ceiling sweep: best {} jobs/s at claim batch x claimers {}", String.format("%.0f", best), bestCell);
    return new Sweep(best, bestCell, cells);
  }

  double run(int batch, int claimers, int jobs) throws Exception {
    db.resetEngineTables();
    db.loadBacklog(jobs);
    LinkedBlockingQueue<long[]> claimed = new LinkedBlockingQueue<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Connection> claimConnections = new ArrayList<>();
    try (Connection completeConnection = db.target().connect("bench-raw-complete")) {
      for (int i = 0; i < claimers; i++) {
        claimConnections.add(db.target().connect("bench-raw-claim-" + i));
      }
      java.util.concurrent.CountDownLatch claimersDone = new java.util.concurrent.CountDownLatch(claimers);
      long start = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (Connection claimConnection : claimConnections) {
        threads.add(Thread.ofPlatform().name("raw-claim").start(() -> {
          try {
            claimLoop(claimConnection, batch, claimed);
          } catch (Exception e) {
            failure.set(e);
          } finally {
            claimersDone.countDown();
          }
        }));
      }
      Thread.ofPlatform().name("raw-claim-end").start(() -> {
        try {
          claimersDone.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        claimed.add(POISON);
      });
      long completed = completeLoop(completeConnection, claimed);
      double seconds = (System.nanoTime() - start) / 1e9;
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
      if (failure.get() != null) {
        throw failure.get();
      }
      if (completed != jobs) {
        throw new IllegalStateException("raw loop completed " + completed + " of " + jobs);
      }
      LOG.info("raw ceiling (claim batch {}, {} claimers): {} jobs in {} s = {} jobs/s", batch, claimers, jobs,
          String.format("%.2f", seconds), String.format("%.0f", jobs / seconds));
      return jobs / seconds;
    } finally {
      for (Connection c : claimConnections) {
        c.close();
      }
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
            rs.getInt("attempts");
            rs.getObject("created_at", OffsetDateTime.class);
            rows.add(new long[] {rs.getLong("id"), rs.getLong("lease_token")});
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
          // As JdbiJobStore.complete: sorted by id, primitive arrays (sent in binary), RETURNING read back.
          batch.sort(java.util.Comparator.comparingLong(row -> row[0]));
          long[] ids = new long[batch.size()];
          long[] tokens = new long[batch.size()];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = batch.get(i)[0];
            tokens[i] = batch.get(i)[1];
          }
          PGConnection pg = c.unwrap(PGConnection.class);
          complete.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
          complete.setArray(2, pg.createArrayOf("int8", ids));
          complete.setArray(3, pg.createArrayOf("int8", tokens));
          try (ResultSet rs = complete.executeQuery()) {
            while (rs.next()) {
              completed++;
            }
          }
          batch.clear();
        }
      }
    }
    return completed;
  }
}
