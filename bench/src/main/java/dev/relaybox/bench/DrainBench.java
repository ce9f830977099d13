package dev.relaybox.bench;

import dev.relaybox.application.jobs.Outcome;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Relaybox draining a backlog with a no-op handler: jobs/s from runner start until the last completion commits. */
final class DrainBench {
  private static final Logger LOG = LoggerFactory.getLogger(DrainBench.class);

  /** @param cpuMicrosPerJob CPU time of this JVM (all its threads) during the drain, per job: the runner's own cost,
   *     which competes with PostgreSQL for the same cores and, unlike jobs/s, hardly depends on what else runs */
  record Result(double jobsPerSecond, double seconds, long claimStatements, long completeStatements, double cpuMicrosPerJob) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private final BenchDatabase db;

  DrainBench(BenchDatabase db) {
    this.db = db;
  }

  /** Drains {@code jobs} freshly loaded jobs; the table keeps whatever history it already has. */
  Result run(BenchConfig config, int jobs, String label) throws InterruptedException {
    db.execute("DELETE FROM job WHERE state <> 'done'");
    db.loadBacklog(jobs);
    long done = db.count("SELECT count(*) FROM job WHERE state = 'done'");
    try (Engine engine = new Engine(db, config, job -> Outcome.done())) {
      long start = System.nanoTime();
      long cpuStart = OS.getProcessCpuTime();
      engine.start();
      if (!engine.store.awaitCompleted(jobs, start + TimeUnit.MINUTES.toNanos(10))) {
        throw new IllegalStateException("drain did not finish: " + engine.store.completed() + " of " + jobs);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuMicros = (OS.getProcessCpuTime() - cpuStart) / 1e3 / jobs;
      Result result = new Result(jobs / seconds, seconds, engine.store.claimStatements(), engine.store.completeStatements(), cpuMicros);
      LOG.info("{}: {} jobs in {} s = {} jobs/s ({} claim statements, {} complete statements, JVM CPU {} µs/job)", label, jobs,
          String.format("%.2f", seconds), String.format("%.0f", result.jobsPerSecond()), result.claimStatements(),
          result.completeStatements(), String.format("%.1f", cpuMicros));
      long nowDone = db.count("SELECT count(*) FROM job WHERE state = 'done'");
      if (nowDone - done != jobs) {
        throw new IllegalStateException("expected " + jobs + " newly done jobs, found " + (nowDone - done));
      }
      return result;
    }
  }
}
