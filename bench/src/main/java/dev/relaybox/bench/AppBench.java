package dev.relaybox.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows that need the real jar: intake against the pgbench ceiling, end-to-end latency and the footprint. Each
 * round starts a fresh jar on emptied tables, so every round also measures the time to ready; with the {@code minimal}
 * scenario each round then measures the {@link MinimalService} the same way, on emptied tables again.
 */
final class AppBench {
  private static final Logger LOG = LoggerFactory.getLogger(AppBench.class);
  /** The rate at which the end-to-end client warms up, unrecorded: low enough for every jar to keep up. */
  static final int E2E_WARMUP_RATE = 300;

  private final BenchDatabase db;
  private final BenchConfig config;
  private final AppConfig app;
  private final Map<String, List<Double>> values = new LinkedHashMap<>();

  AppBench(BenchDatabase db, BenchConfig config, AppConfig app) {
    this.db = db;
    this.config = config;
    this.app = app;
  }

  void run(Results results) throws Exception {
    Files.createDirectories(Path.of("bench/results"));
    String heap = "?";
    try (Sink sink = new Sink()) {
      IntakeBench intake = new IntakeBench(app);
      EndToEndBench e2e = new EndToEndBench(app, sink);
      for (int round = 1; round <= config.runs(); round++) {
        emptyTables(true);
        try (AppProcess jar = Contender.JAR.start(app, db, sink, round)) {
          add("footprint.ready", jar.readyMillis());
          heap = jar.heapSettings();
          measure(jar, Contender.JAR, intake, e2e, sink, round, results);
          if (jar.alive()) {
            add("footprint.rss", jar.peakRssMib());
          }
          LOG.info("round {}: jar peak RSS {} MiB ({})", round, String.format("%.0f", jar.peakRssMib()), heap);
        }
        if (config.runs("minimal")) {
          // Same round, tables emptied again, after the jar: its ratios use this round's pgbench ceilings.
          emptyTables(false);
          Map<String, Integer> keptBefore = new LinkedHashMap<>();
          values.forEach((k, v) -> keptBefore.put(k, v.size()));
          try (AppProcess minimal = Contender.MINIMAL.start(app, db, sink, round)) {
            measure(minimal, Contender.MINIMAL, intake, e2e, sink, round, results);
          } catch (RuntimeException e) {
            // A reference, not the subject: its failure is reported beside the jar's figures rather than losing them,
            // and the round's partial figures of it are dropped, so each of its rows holds whole rounds only.
            LOG.warn("round {}: the minimal service's measurements stopped", round, e);
            results.note("minimal.failed.round" + round, e.toString());
            values.entrySet().removeIf(v -> {
              v.getValue().subList(keptBefore.getOrDefault(v.getKey(), 0), v.getValue().size()).clear();
              return v.getValue().isEmpty();
            });
          }
        }
      }
    }
    values.forEach(results::put);
    results.note("app.heap", heap);
    results.note("app.opts", String.join(" ", app.javaOpts()));
  }

  /**
   * Who is measured: the jar (its keys and log lines as before; it alone runs the pgbench ceilings beside it), or the
   * minimal service (keys prefixed {@code minimal.}, read against the same round's ceilings; no jobs, so no stages).
   */
  private enum Contender {
    JAR(AppProcess.Service.JAR, "", "", "app-round-"),
    MINIMAL(AppProcess.Service.MINIMAL, "minimal.", "minimal service ", "minimal-round-");

    final AppProcess.Service service;
    final String prefix;
    final String label;
    private final String log;

    Contender(AppProcess.Service service, String prefix, String label, String log) {
      this.service = service;
      this.prefix = prefix;
      this.label = label;
      this.log = log;
    }

    AppProcess start(AppConfig app, BenchDatabase db, Sink sink, int round) throws InterruptedException {
      return AppProcess.start(service, app, db.target(), sink, Path.of("bench/results/" + log + round + ".log"));
    }
  }

  /**
   * Every contender starts on empty tables, vacuumed and checkpointed; a round's first also on fresh ceiling tables
   * for the pgbench runs beside it.
   */
  private void emptyTables(boolean freshCeiling) {
    db.execute("TRUNCATE assistance_request, idempotency_key, job, job_history, outbox_event", "DELETE FROM job_subscription");
    if (freshCeiling && config.runs("intake")) {
      IntakeBench.createCeilingTables(db);
    }
    db.execute("VACUUM ANALYZE", "CHECKPOINT");
  }

  /**
   * Before every intake window, the jar's and each pgbench run's: the dead rows and dirty pages the previous one left
   * are vacuumed and flushed now, so none of them pays for another's (pgbench used to run right after the jar's
   * busiest window and absorbed its autovacuum and checkpoint).
   */
  private void settle() {
    db.execute("VACUUM ANALYZE", "CHECKPOINT");
  }

  private void measure(AppProcess service, Contender who, IntakeBench intake, EndToEndBench e2e, Sink sink, int round,
      Results results) throws Exception {
    String p = who.prefix;
    OptionalLong postmaster = db.localPostmaster();
    if (config.runs("intake")) {
      intake.wrk(service.baseUrl(), 64, app.warmupSeconds());
      awaitDelivered("warm-up");
      for (int c : app.intakeConcurrency()) {
        // At the window's own concurrency, unrecorded: after the c64 warm-up the JIT still compiled the paths one
        // connection takes (a fifth of the jar's CPU at c1), which is start-up cost, not the steady state measured.
        if (app.intakeWarmupSeconds() > 0) {
          intake.wrk(service.baseUrl(), c, app.intakeWarmupSeconds());
          awaitDelivered(who.label + "warm-up at c" + c);
        }
        settle();
        long before = rows();
        long arrivedBefore = sink.messages();
        JarCpu.Usage cpuBefore = JarCpu.Usage.now(service.pid(), postmaster);
        JarCpu.JvmThreads jvmBefore = JarCpu.jvmThreads(service.pid());
        IntakeBench.Result w = intake.wrk(service.baseUrl(), c, app.intakeSeconds());
        long windowEnd = System.nanoTime();
        // Accepted faster than delivered, the rest waits in the backlog: the rate at which the jar takes requests
        // in *and* delivers them counts the time to deliver that backlog too. Both are read at the sink, where
        // the Slack messages arrive: the bench asks the database nothing until they are in, so its own queries
        // take none of the delivery's time and none of the CPU measured below.
        long backlog = Math.max(0, w.count() - (sink.messages() - arrivedBefore));
        if (!awaitArrivals(sink, arrivedBefore + w.count())) {
          throw new IllegalStateException(who.label + "wrk c" + c + ": " + w.count() + " accepted, "
              + (sink.messages() - arrivedBefore) + " messages at the sink 5 min later");
        }
        double drainSeconds = (System.nanoTime() - windowEnd) / 1e9;
        // Over the window and the delivery of its backlog: what taking these requests in and delivering them cost.
        JarCpu.Usage used = JarCpu.Usage.now(service.pid(), postmaster).minus(cpuBefore);
        JarCpu.JvmThreads jvm = JarCpu.jvmThreads(service.pid()).minus(jvmBefore);
        add(p + "intake.c" + c + ".cpu", 1e6 * used.jarSeconds() / w.count());
        add(p + "intake.c" + c + ".cpu.compiler", 1e6 * jvm.compilerSeconds() / w.count());
        add(p + "intake.c" + c + ".cpu.gc", 1e6 * jvm.gcSeconds() / w.count());
        add(p + "intake.c" + c + ".dbcpu", 1e6 * used.serverSeconds() / w.count());
        add(p + "intake.c" + c + ".busy", 100 * used.busyShare());
        long written = rows() - before;
        if (written < w.count() || written > w.count() + c) { // answers still in flight at the end are written, not counted
          results.note(p + "intake.mismatch.round" + round + ".c" + c, "wrk counted " + w.count() + " accepted, " + written + " rows written");
        }
        put(p + "intake.c" + c, w);
        awaitDelivered(who.label + "wrk c" + c); // by the rows' own status, those answered after wrk stopped counting too
        double sustained = w.count() / (w.seconds() + drainSeconds);
        add(p + "intake.c" + c + ".backlog", backlog);
        add(p + "intake.c" + c + ".drain", drainSeconds);
        add(p + "intake.c" + c + ".sustained", sustained);
        if (who == Contender.JAR) {
          settle();
          JarCpu.Usage ceilingBefore = JarCpu.Usage.now(service.pid(), postmaster);
          IntakeBench.Result ceiling = intake.pgbench(db.target(), c, app.intakeSeconds(), false);
          JarCpu.Usage ceilingUsed = JarCpu.Usage.now(service.pid(), postmaster).minus(ceilingBefore);
          put("ceiling.c" + c, ceiling);
          add("ceiling.c" + c + ".dbcpu", 1e6 * ceilingUsed.serverSeconds() / ceiling.count());
          add("ceiling.c" + c + ".busy", 100 * ceilingUsed.busyShare());
          if (ceiling.failed() > 0) {
            results.note("ceiling.failed.round" + round + ".c" + c, ceiling.failed() + " failed transactions");
          }
          settle();
          IntakeBench.Result n = intake.pgbench(db.target(), c, app.intakeSeconds(), true);
          put("ceiling.notify.c" + c, n);
          if (n.failed() > 0) {
            results.note("ceiling.failed.round" + round + ".notify.c" + c, n.failed() + " failed transactions");
          }
        }
        double ceiling = values.get("ceiling.c" + c + ".rate").getLast();
        double ceilingWithNotify = values.get("ceiling.notify.c" + c + ".rate").getLast();
        LOG.info("round {} {}c{}: accepted {}/s, {} left to deliver at the end, delivered {} s later: accepted and delivered {}/s; "
                + "/ceiling {} (accepted/ceiling {}), /ceiling with NOTIFY {}", round, who.label, c, String.format("%.0f", w.perSecond()), backlog,
            String.format("%.1f", drainSeconds), String.format("%.0f", sustained), String.format("%.0f %%", 100 * sustained / ceiling),
            String.format("%.0f %%", 100 * w.perSecond() / ceiling), String.format("%.0f %%", 100 * sustained / ceilingWithNotify));
      }
    }
    if (config.runs("e2e")) {
      // The open-loop client and the sink share the jar's two cores: left cold, the bench JVM's JIT compiler took
      // half of its CPU in the first measured window (async-profiler, 700/s) and starved the jar it measured.
      e2e.run(service.baseUrl(), service.pid(), postmaster, E2E_WARMUP_RATE, app.e2eWarmupSeconds());
      pendingAfter("the " + who.label + "e2e client's warm-up", 60);
      for (int rate : app.e2eRates()) {
        // On the tables as intake and the earlier rates left them, as a node with a week's retention runs; the stages
        // read only this run's rows (until this stop, the tables were emptied first: an attacker's p99 on a database
        // holding 800,000 requests was 1.6-2.4x the bench's).
        long runStartMicros = db.count("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint");
        EndToEndBench.Result r = e2e.run(service.baseUrl(), service.pid(), postmaster, rate, app.e2eSeconds());
        String k = p + "e2e.r" + rate;
        add(k + ".p50", r.p50Millis());
        add(k + ".p99", r.p99Millis());
        add(k + ".max", r.maxMillis());
        add(k + ".accepted", r.accepted());
        add(k + ".delivered", r.delivered());
        add(k + ".failed", r.failed());
        add(k + ".rate", r.achievedRate());
        add(k + ".duplicates", r.duplicates());
        add(k + ".lost", r.lost());
        add(k + ".cpu", r.cpuMicrosPerDelivered());
        add(k + ".cpu.compiler", r.compilerMicrosPerDelivered());
        add(k + ".cpu.gc", r.gcMicrosPerDelivered());
        add(k + ".benchcpu", r.benchCpuMicrosPerDelivered());
        add(k + ".dbcpu", r.serverCpuMicrosPerDelivered());
        add(k + ".busy", 100 * r.machineBusyShare());
        // Past its capacity the jar may not recover (see the notes); record it and end the round.
        long pending = pendingAfter(who.label + "e2e " + rate + "/s", 60);
        if (pending > 0 || !service.alive()) {
          results.note(p + "e2e.stuck.round" + round + ".r" + rate, pending + " accepted requests still pending 60 s after the run"
              + (service.alive() ? "" : "; the " + who.service + " had exited") + service.outOfMemory().map(m -> "; its log shows " + m).orElse(""));
          break;
        }
        if (who == Contender.JAR) {
          stages(results, "e2e.r" + rate + ".round" + round, runStartMicros);
        }
      }
    }
  }

  /** Where the accepted→delivered time went, from the rows' own timestamps (database clock, ms). */
  private void stages(Results results, String key, long sinceMicros) {
    String sql = """
        SELECT concat_ws(' ',
          'relay (outbox created_at -> job created_at) p50/p99', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r)::numeric, 1),
            round(percentile_cont(0.99) WITHIN GROUP (ORDER BY r)::numeric, 1),
          '| job created_at -> delivered_at p50/p99', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::numeric, 1),
            round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d)::numeric, 1))
        FROM (SELECT extract(epoch FROM j.created_at - e.created_at) * 1000 AS r,
                     extract(epoch FROM a.delivered_at - j.created_at) * 1000 AS d
              FROM assistance_request a JOIN outbox_event e ON e.event_key = a.id::text JOIN job j ON j.event_id = e.event_id
              WHERE a.created_at >= to_timestamp(%d / 1000000.0)) x""".formatted(sinceMicros);
    String text = db.text(sql);
    LOG.info("{} stages (ms): {}", key, text);
    results.note("stages." + key, text);
  }

  private void put(String key, IntakeBench.Result r) {
    add(key + ".rate", r.perSecond());
    add(key + ".p50", r.p50Millis());
    add(key + ".p99", r.p99Millis());
    add(key + ".max", r.maxMillis());
  }

  private void add(String key, double value) {
    values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }

  private long rows() {
    return db.count("SELECT count(*) FROM assistance_request");
  }

  private long pending() {
    return db.count("SELECT count(*) FROM assistance_request WHERE status = 'pending'");
  }

  /** Waits until the sink has received {@code total} messages in all (at most 5 min), looking every 10 ms. */
  private static boolean awaitArrivals(Sink sink, long total) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (sink.messages() < total) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Lets the jar deliver what the last measurement accepted, so the next one starts from an idle system. */
  private void awaitDelivered(String after) throws InterruptedException {
    long pending = pendingAfter(after, 300);
    if (pending > 0) {
      throw new IllegalStateException(pending + " requests still pending 5 min after " + after);
    }
  }

  private long pendingAfter(String after, int seconds) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds);
    long pending;
    while ((pending = pending()) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    if (pending == 0) {
      LOG.info("delivered everything from {} {} s after it ended", after, String.format("%.1f", (System.nanoTime() - t0) / 1e9));
    } else {
      LOG.warn("{} requests still pending {} s after {}", pending, seconds, after);
    }
    return pending;
  }
}
