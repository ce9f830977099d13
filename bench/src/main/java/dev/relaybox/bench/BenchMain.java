package dev.relaybox.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine benchmarks against one PostgreSQL server and writes {@code docs/benchmarks.md} plus raw numbers in
 * {@code bench/results/}. Run it through {@code bench/run.sh} from the repository root.
 */
public final class BenchMain {
  private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);
  private static final int WARMUP_JOBS = 20_000;

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    BenchConfig config = BenchConfig.fromEnvironment();
    Map<String, String> machine = Machine.describe();
    LOG.info("bench config {}", config);
    Results results = new Results();
    Map<String, String> server;
    String databaseDescription;
    long started = System.nanoTime();
    try (BenchDatabase db = BenchDatabase.open(config.databaseUrl())) {
      databaseDescription = db.description();
      db.migrate();
      server = db.serverSettings();
      LOG.info("PostgreSQL settings {}", server);

      DrainBench drain = new DrainBench(db);
      if (config.runs("sweep")) {
        sweep(db, config, drain, results);
      }
      // The history for the growth scenario lives in a second database on the same server, so its drains can be
      // interleaved with the empty-table drains: on a shared host, load from elsewhere then hits both alike.
      BenchDatabase historyDb = null;
      if (config.runs("growth")) {
        historyDb = db.sibling("relaybox_history");
        historyDb.migrate();
        historyDb.resetEngineTables();
        long t = System.nanoTime();
        historyDb.loadHistory(config.history());
        LOG.info("loaded {} finished jobs of history in {} s ({})", config.history(),
            String.format("%.1f", (System.nanoTime() - t) / 1e9), tableSize(historyDb));
      }
      RawCeilingBench raw = new RawCeilingBench(db);
      DbSchedulerBench peer = new DbSchedulerBench(db);
      DrainBench historyDrain = historyDb == null ? null : new DrainBench(historyDb);
      // Warm-ups, then rounds: each round runs every throughput contender once, one after the other.
      db.resetEngineTables();
      if (config.runs("drain") || config.runs("growth")) {
        drain.run(config, WARMUP_JOBS, "warm-up drain");
      }
      if (config.runs("raw")) {
        raw.run(config.claimBatch(), 1, WARMUP_JOBS);
      }
      if (config.runs("dbscheduler")) {
        peer.run(config, WARMUP_JOBS, DbSchedulerBench.Setup.TUNED);
      }
      List<Double> drainRates = new ArrayList<>();
      List<Double> drainCpu = new ArrayList<>();
      List<Double> rawRates = new ArrayList<>();
      List<Double> peerRates = new ArrayList<>();
      List<Double> peerDefaultRates = new ArrayList<>();
      List<Double> peerHighThroughputRates = new ArrayList<>();
      List<Double> growthRates = new ArrayList<>();
      for (int i = 1; i <= config.runs(); i++) {
        if (config.runs("drain") || config.runs("growth")) {
          db.resetEngineTables();
          DrainBench.Result d = drain.run(config, config.jobs(), "round " + i + " drain");
          drainRates.add(d.jobsPerSecond());
          drainCpu.add(d.cpuMicrosPerJob());
        }
        if (config.runs("growth")) {
          growthRates.add(historyDrain.run(config, config.jobs(), "round " + i + " drain with history").jobsPerSecond());
        }
        if (config.runs("raw")) {
          RawCeilingBench.Sweep sweep = raw.sweep(config.rawJobsPerCell());
          rawRates.add(sweep.best());
          int round = i;
          results.note("raw.best.round" + round, sweep.bestCell());
          sweep.cells().forEach((cell, rate) -> results.note("raw.sweep.round" + round + " claim batch x claimers " + cell,
              String.format(java.util.Locale.ROOT, "%.0f jobs/s", rate)));
        }
        if (config.runs("dbscheduler")) {
          peerRates.add(peer.run(config, config.jobs(), DbSchedulerBench.Setup.TUNED));
          peerHighThroughputRates.add(peer.run(config, config.jobs(), DbSchedulerBench.Setup.HIGH_THROUGHPUT));
          peerDefaultRates.add(peer.run(config, config.jobs(), DbSchedulerBench.Setup.DEFAULTS));
        }
      }
      if (!drainRates.isEmpty()) results.put("drain", drainRates);
      if (!drainCpu.isEmpty()) results.put("drain.cpu", drainCpu);
      if (!rawRates.isEmpty()) results.put("raw", rawRates);
      if (!peerRates.isEmpty()) results.put("dbscheduler", peerRates);
      if (!peerHighThroughputRates.isEmpty()) results.put("dbscheduler.highthroughput", peerHighThroughputRates);
      if (!peerDefaultRates.isEmpty()) results.put("dbscheduler.defaults", peerDefaultRates);
      if (!growthRates.isEmpty()) {
        results.put("growth", growthRates);
        results.note("growth.table", tableSize(historyDb));
      }
      db.execute("DROP TABLE IF EXISTS scheduled_tasks");
      if (config.runs("latency")) {
        db.resetEngineTables();
        LatencyBench latency = new LatencyBench(db);
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        List<Double> commitP50 = new ArrayList<>();
        List<Double> commitP99 = new ArrayList<>();
        List<Double> commitMax = new ArrayList<>();
        List<Double> rate = new ArrayList<>();
        List<Double> noiseP99 = new ArrayList<>();
        List<Double> noiseMax = new ArrayList<>();
        for (int i = 1; i <= config.runs(); i++) {
          LatencyBench.Result r = latency.run(config);
          p50.add(r.p50Millis());
          p99.add(r.p99Millis());
          max.add(r.maxMillis());
          commitP50.add(r.commitP50Millis());
          commitP99.add(r.commitP99Millis());
          commitMax.add(r.commitMaxMillis());
          rate.add(r.achievedRate());
          noiseP99.add(r.noiseP99Millis());
          noiseMax.add(r.noiseMaxMillis());
        }
        results.put("latency.p50", p50);
        results.put("latency.p99", p99);
        results.put("latency.max", max);
        results.put("latency.commit.p50", commitP50);
        results.put("latency.commit.p99", commitP99);
        results.put("latency.commit.max", commitMax);
        results.put("latency.rate", rate);
        results.put("latency.noise.p99", noiseP99);
        results.put("latency.noise.max", noiseMax);
      }
      if (config.runs("intake") || config.runs("e2e")) {
        new AppBench(db, config, AppConfig.fromEnvironment()).run(results);
      }
    }
    double minutes = (System.nanoTime() - started) / 60e9;
    machine.put("load average at end", Machine.loadAverage());
    results.note("duration", String.format(java.util.Locale.ROOT, "%.1f min", minutes));
    Report report = new Report(config, AppConfig.fromEnvironment(), machine, server, databaseDescription, results);
    String markdown = report.markdown();
    System.out.println();
    System.out.println(markdown);
    report.writeInto(Path.of("docs/benchmarks.md"));
    writeRaw(config, machine, server, results);
  }

  /** One run per combination, to choose the defaults; not part of the standard run. */
  private static void sweep(BenchDatabase db, BenchConfig config, DrainBench drain, Results results) throws InterruptedException {
    db.resetEngineTables();
    drain.run(config, WARMUP_JOBS, "warm-up drain");
    for (int concurrency : new int[] {16, 64, 256}) {
      for (int batch : new int[] {50, 200, 1000}) {
        BenchConfig c = new BenchConfig(1, config.jobs(), concurrency, batch, config.poolSize(), config.history(),
            config.latencyRate(), config.latencySeconds(), config.rawJobsPerCell(), config.scenarios(), config.databaseUrl());
        db.resetEngineTables();
        double rate = drain.run(c, config.jobs(), "sweep concurrency " + concurrency + " claimBatch " + batch).jobsPerSecond();
        results.note("sweep concurrency=" + concurrency + " claimBatch=" + batch, String.format(java.util.Locale.ROOT, "%.0f jobs/s", rate));
      }
    }
  }

  private static String tableSize(BenchDatabase db) {
    return db.count("SELECT pg_total_relation_size('job')") / (1024 * 1024) + " MiB incl. indexes";
  }

  private static void writeRaw(BenchConfig config, Map<String, String> machine, Map<String, String> server, Results results)
      throws IOException {
    Path dir = Path.of("bench/results");
    Files.createDirectories(dir);
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("config", config.toString());
    raw.put("machine", machine);
    raw.put("postgres", server);
    raw.put("runs", results.values());
    raw.put("notes", results.notes());
    Path file = dir.resolve("bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
    Engine.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), raw);
    LOG.info("raw results in {}", file);
  }
}
