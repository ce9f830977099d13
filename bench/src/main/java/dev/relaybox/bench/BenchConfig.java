package dev.relaybox.bench;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What to measure and how hard, from {@code BENCH_*} environment variables so {@code bench/run.sh} stays one command.
 *
 * @param runs measured repetitions of every scenario
 * @param jobs backlog size drained by the throughput scenarios
 * @param concurrency the no-op subscription's concurrency limit (handler permits)
 * @param claimBatch most jobs one claim statement takes
 * @param poolSize connections in the runner's pool
 * @param history completed jobs kept in the table for the growth scenario
 * @param latencyRate enqueues per second in the latency scenario
 * @param latencySeconds measured seconds of the latency scenario (after one second of warm-up)
 * @param rawJobsPerCell backlog drained by each cell of the raw ceiling's sweep (smaller than {@code jobs}: 12 cells)
 * @param scenarios which scenarios to run
 * @param databaseUrl an external server instead of the embedded one
 */
record BenchConfig(
    int runs,
    int jobs,
    int concurrency,
    int claimBatch,
    int poolSize,
    int history,
    int latencyRate,
    int latencySeconds,
    int rawJobsPerCell,
    Set<String> scenarios,
    Optional<String> databaseUrl) {

  BenchConfig {
    if (scenarios.contains("minimal") && !scenarios.contains("intake") && !scenarios.contains("e2e")) {
      throw new IllegalArgumentException("minimal measures the minimal service the way intake and e2e measure the jar: name intake or e2e too");
    }
  }

  static final String ALL = "drain,raw,dbscheduler,latency,growth,intake,e2e,minimal";

  static BenchConfig fromEnvironment() {
    return new BenchConfig(
        intEnv("BENCH_RUNS", 3),
        intEnv("BENCH_JOBS", 100_000),
        intEnv("BENCH_CONCURRENCY", 256),
        intEnv("BENCH_CLAIM_BATCH", 200),
        intEnv("BENCH_POOL", 10),
        intEnv("BENCH_HISTORY", 5_000_000),
        intEnv("BENCH_LATENCY_RATE", 500),
        intEnv("BENCH_LATENCY_SECONDS", 20),
        intEnv("BENCH_RAW_JOBS", 20_000),
        new LinkedHashSet<>(Arrays.asList(env("BENCH_SCENARIOS").orElse(ALL).split("\\s*,\\s*"))),
        env("DATABASE_URL"));
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }

  private static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).map(String::strip).filter(s -> !s.isEmpty());
  }

  private static int intEnv(String name, int fallback) {
    return env(name).map(v -> Integer.parseInt(v.replace("_", ""))).orElse(fallback);
  }
}
