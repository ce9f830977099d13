package dev.relaybox.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer: db-scheduler and a no-op one-time task, draining executions scheduled in advance on the same server, in three
 * set-ups. {@link Setup#TUNED}: the polling strategy its README recommends above 1,000 executions/s (lock-and-fetch,
 * one {@code UPDATE … FOR UPDATE SKIP LOCKED … RETURNING} per poll; immediate execution on) with Relaybox's handler
 * permits as its thread count and the fetch nearest Relaybox's claim batch it allows. {@link Setup#HIGH_THROUGHPUT}:
 * the same with the limits its README gives "for high throughput (keep threads busy)", which fetch four thread counts.
 * {@link Setup#DEFAULTS}: {@code Scheduler.create(dataSource, task).build()}, nothing changed. Each execution's
 * completion is its own statement (a DELETE), where Relaybox batches completions.
 */
final class DbSchedulerBench {
  private static final Logger LOG = LoggerFactory.getLogger(DbSchedulerBench.class);
  static final String TASK = "bench-noop";
  /** Refill when half the threads are idle (the README's "normal usage" lower bound). */
  static final double LOWER_FRACTION = 0.5;
  /** The README's limits "for high throughput (keep threads busy)". */
  static final double HIGH_THROUGHPUT_LOWER = 1.0;
  static final double HIGH_THROUGHPUT_UPPER = 4.0;

  enum Setup { TUNED, HIGH_THROUGHPUT, DEFAULTS }

  /**
   * Lock-and-fetch fetches {@code upper × threads − executions left}, so a full fetch is one claim batch at {@code
   * claimBatch / threads}; db-scheduler refuses an upper bound below 1, so with more permits than the claim batch a full
   * fetch is one thread count (the nearest it allows).
   */
  static double upperFraction(BenchConfig config) {
    return Math.max(1.0, (double) config.claimBatch() / config.concurrency());
  }

  // The PostgreSQL schema db-scheduler documents (postgresql_tables.sql in its repository).
  private static final String[] SCHEMA = {
      """
      CREATE TABLE IF NOT EXISTS scheduled_tasks (
        task_name text NOT NULL,
        task_instance text NOT NULL,
        task_data bytea,
        execution_time timestamp with time zone NOT NULL,
        picked BOOLEAN NOT NULL,
        picked_by text,
        last_success timestamp with time zone,
        last_failure timestamp with time zone,
        consecutive_failures INT,
        last_heartbeat timestamp with time zone,
        version BIGINT NOT NULL,
        priority SMALLINT,
        PRIMARY KEY (task_name, task_instance))""",
      "CREATE INDEX IF NOT EXISTS execution_time_idx ON scheduled_tasks (execution_time)",
      "CREATE INDEX IF NOT EXISTS last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
      "CREATE INDEX IF NOT EXISTS priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)"};

  /** db-scheduler's default executor threads (SchedulerBuilder). */
  static final int DEFAULT_THREADS = 10;

  private final BenchDatabase db;

  DbSchedulerBench(BenchDatabase db) {
    this.db = db;
  }

  static int poolSize(int threads) {
    // Every executor thread writes its own completion (a DELETE), plus the poller and the housekeeper.
    return threads + 4;
  }

  double run(BenchConfig config, int jobs, Setup setup) throws InterruptedException {
    db.execute(SCHEMA);
    db.execute("TRUNCATE scheduled_tasks");
    // What scheduleBatch writes for a Void one-time task, in one statement.
    db.execute("""
        INSERT INTO scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, version)
        SELECT '%s', 'i' || g, NULL, now() - interval '1 second', false, 1
        FROM generate_series(1, %d) g""".formatted(TASK, jobs),
        "VACUUM ANALYZE scheduled_tasks",
        "CHECKPOINT");
    AtomicLong completed = new AtomicLong();
    OneTimeTask<Void> task = Tasks.oneTime(TASK).execute((instance, context) -> { });
    int threads = setup == Setup.DEFAULTS ? DEFAULT_THREADS : config.concurrency();
    try (HikariDataSource pool = db.pool(poolSize(threads))) {
      SchedulerBuilder builder = Scheduler.create(pool, task)
          .addSchedulerListener(new AbstractSchedulerListener() {
            @Override public void onExecutionComplete(ExecutionComplete executionComplete) {
              completed.incrementAndGet();
            }
          });
      if (setup != Setup.DEFAULTS) {
        boolean high = setup == Setup.HIGH_THROUGHPUT;
        builder.threads(threads)
            .pollUsingLockAndFetch(high ? HIGH_THROUGHPUT_LOWER : LOWER_FRACTION, high ? HIGH_THROUGHPUT_UPPER : upperFraction(config))
            .enableImmediateExecution()
            .pollingInterval(Duration.ofSeconds(1));
      }
      Scheduler scheduler = builder.build();
      long start = System.nanoTime();
      scheduler.start();
      long deadline = start + TimeUnit.MINUTES.toNanos(10);
      while (completed.get() < jobs && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      // The listener fires around the completion handler; the drain is over when the last row is deleted.
      while (db.count("SELECT count(*) FROM scheduled_tasks") > 0 && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      scheduler.stop();
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException("db-scheduler did not drain: " + completed.get() + " of " + jobs);
      }
      LOG.info("db-scheduler {} ({} threads): {} executions in {} s = {} jobs/s", setup, threads, jobs, String.format("%.2f", seconds),
          String.format("%.0f", jobs / seconds));
      return jobs / seconds;
    }
  }
}
