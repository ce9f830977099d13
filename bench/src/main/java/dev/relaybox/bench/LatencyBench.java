package dev.relaybox.bench;

import dev.relaybox.adapters.persistence.jobs.JdbiJobs;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enqueue-to-start latency at a steady rate: one {@code JdbiJobs.enqueue} per {@code JdbiUnitOfWork} transaction,
 * the runner woken by LISTEN/NOTIFY through {@code PgNotificationListener}. Latency is handler start minus the job's
 * {@code created_at} (taken just before the INSERT), and separately minus the moment the enqueue's commit returned.
 */
final class LatencyBench {
  private static final Logger LOG = LoggerFactory.getLogger(LatencyBench.class);
  private static final int PRODUCER_THREADS = 4;
  static final int WARMUP_SECONDS = 3;

  record Result(double p50Millis, double p99Millis, double maxMillis, double commitP50Millis, double commitP99Millis,
      double commitMaxMillis, int samples, double achievedRate, double noiseP99Millis, double noiseMaxMillis) {}

  private final BenchDatabase db;

  LatencyBench(BenchDatabase db) {
    this.db = db;
  }

  Result run(BenchConfig config) throws InterruptedException {
    db.execute("DELETE FROM job WHERE state <> 'done'", "VACUUM ANALYZE job", "CHECKPOINT");
    int warmup = config.latencyRate() * WARMUP_SECONDS;
    int measured = config.latencyRate() * config.latencySeconds();
    int total = warmup + measured;
    ConcurrentHashMap<Long, Instant> committed = new ConcurrentHashMap<>();
    ConcurrentHashMap<Long, long[]> started = new ConcurrentHashMap<>();
    AtomicInteger handled = new AtomicInteger();
    Clock clock = Clock.systemUTC();
    try (Engine engine = new Engine(db, config, job -> {
      Instant now = clock.instant();
      Instant created = job.createdAt();
      started.put(job.id(), new long[] {micros(now), micros(created)});
      handled.incrementAndGet();
      return Outcome.done();
    })) {
      JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(engine.jdbi);
      JdbiJobs jobs = new JdbiJobs(unitOfWork, Engine.JSON, clock);
      engine.start();
      Thread.sleep(500); // let the listener connect and the claim loop go idle
      SleepProbe probe = SleepProbe.start();
      ExecutorService producers = Executors.newFixedThreadPool(PRODUCER_THREADS);
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / config.latencyRate();
      long begin = System.nanoTime();
      Long[] ids = new Long[total];
      for (int i = 0; i < total; i++) {
        long due = begin + i * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        int index = i;
        producers.execute(() -> {
          long id = unitOfWork.inTransaction(() -> jobs.enqueue(EnqueueJob.of(BenchDatabase.SUBSCRIPTION, "{\"n\":" + index + "}")))
              .orElseThrow();
          committed.put(id, clock.instant());
          ids[index] = id;
        });
      }
      producers.shutdown();
      producers.awaitTermination(1, TimeUnit.MINUTES);
      double elapsed = (System.nanoTime() - begin) / 1e9;
      double[] noise = probe.stop();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (handled.get() < total && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (handled.get() < total) {
        throw new IllegalStateException("only " + handled.get() + " of " + total + " jobs started");
      }
      double[] fromCreated = new double[measured];
      double[] fromCommit = new double[measured];
      for (int i = 0; i < measured; i++) {
        long id = ids[warmup + i];
        long[] s = started.get(id);
        fromCreated[i] = (s[0] - s[1]) / 1000.0;
        fromCommit[i] = Math.max(0, s[0] - micros(committed.get(id))) / 1000.0;
      }
      writeSamples(ids, warmup, started, committed);
      Result r = new Result(
          Stats.percentile(fromCreated, 50), Stats.percentile(fromCreated, 99), Stats.percentile(fromCreated, 100),
          Stats.percentile(fromCommit, 50), Stats.percentile(fromCommit, 99), Stats.percentile(fromCommit, 100),
          measured, total / elapsed, Stats.percentile(noise, 99), Stats.percentile(noise, 100));
      LOG.info("latency at {}/s (achieved {}/s), {} samples: start - created_at p50 {} ms, p99 {} ms, max {} ms; "
              + "start - commit p50 {} ms, p99 {} ms, max {} ms",
          config.latencyRate(), String.format("%.0f", r.achievedRate()), measured, fmt(r.p50Millis()), fmt(r.p99Millis()),
          fmt(r.maxMillis()), fmt(r.commitP50Millis()), fmt(r.commitP99Millis()), fmt(r.commitMaxMillis()));
      LOG.info("meanwhile a 1 ms sleep overslept by p99 {} ms, max {} ms (CPU contention on this host)",
          fmt(r.noiseP99Millis()), fmt(r.noiseMaxMillis()));
      return r;
    }
  }

  /** Every measured job as CSV in bench/results, for looking at where the tail comes from. */
  private static void writeSamples(Long[] ids, int warmup, ConcurrentHashMap<Long, long[]> started,
      ConcurrentHashMap<Long, Instant> committed) {
    StringBuilder csv = new StringBuilder("job_id,created_us,commit_us,start_us\n");
    for (int i = warmup; i < ids.length; i++) {
      long[] s = started.get(ids[i]);
      csv.append(ids[i]).append(',').append(s[1]).append(',').append(micros(committed.get(ids[i]))).append(',').append(s[0]).append('\n');
    }
    try {
      java.nio.file.Path dir = java.nio.file.Path.of("bench/results");
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve("latency-" + System.currentTimeMillis() + ".csv"), csv);
    } catch (java.io.IOException e) {
      LOG.warn("could not write latency samples: {}", e.toString());
    }
  }

  /** A platform thread sleeping 1 ms at a time: how late it wakes shows how contended the CPUs are. */
  private static final class SleepProbe {
    private final java.util.List<Double> oversleep = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private volatile boolean running = true;
    private Thread thread;

    static SleepProbe start() {
      SleepProbe probe = new SleepProbe();
      probe.thread = Thread.ofPlatform().daemon().name("sleep-probe").start(() -> {
        while (probe.running) {
          long t = System.nanoTime();
          LockSupport.parkNanos(1_000_000);
          probe.oversleep.add(Math.max(0, System.nanoTime() - t - 1_000_000) / 1e6);
        }
      });
      return probe;
    }

    double[] stop() throws InterruptedException {
      running = false;
      thread.join();
      synchronized (oversleep) {
        return oversleep.stream().mapToDouble(Double::doubleValue).toArray();
      }
    }
  }

  private static long micros(Instant t) {
    return TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1_000;
  }

  private static String fmt(double millis) {
    return String.format("%.2f", millis);
  }
}
