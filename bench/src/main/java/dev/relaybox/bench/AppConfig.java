package dev.relaybox.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the scenarios that run the real jar ({@code intake}, {@code e2e}), from {@code BENCH_*} variables.
 *
 * @param jar the runnable jar, built by {@code bench/run.sh}
 * @param javaOpts JVM options for the jar (its heap settings are part of the footprint row)
 * @param intakeConcurrency wrk connections and pgbench clients, one measurement each
 * @param intakeSeconds length of one wrk or pgbench run
 * @param e2eRates request rates of the end-to-end scenario
 * @param e2eSeconds length of one end-to-end run
 * @param warmupSeconds load at c64 (and the delivery of it) before the first measurement of a freshly started jar: the
 *     JIT takes about a minute of load on 2 cores to compile the intake and delivery paths, and a shorter warm-up
 *     measured the compiler, not the jar
 * @param intakeWarmupSeconds unrecorded load at each intake window's concurrency right before it (and its delivery)
 * @param apiKey the bench's API key for {@code /v1}
 * @param appEnv {@code RELAYBOX_*} settings passed to the jar over the bench's own, from {@code BENCH_APP_ENV}
 *     ({@code NAME=value} separated by spaces), in the order given
 */
record AppConfig(Path jar, List<String> javaOpts, List<Integer> intakeConcurrency, int intakeSeconds, List<Integer> e2eRates,
    int e2eSeconds, int warmupSeconds, int intakeWarmupSeconds, String apiKey, Map<String, String> appEnv) {

  static final String DEFAULT_JAVA_OPTS = "-Xmx256m";

  /** How long the end-to-end client warms up, unrecorded, before the measured rates: a third of the jar's warm-up. */
  int e2eWarmupSeconds() {
    return Math.max(10, warmupSeconds / 3);
  }

  static AppConfig fromEnvironment() {
    return new AppConfig(
        Path.of(env("BENCH_APP_JAR").orElse("bootstrap/target/relaybox.jar")),
        List.of(env("BENCH_APP_JAVA_OPTS").orElse(DEFAULT_JAVA_OPTS).split("\\s+")),
        ints(env("BENCH_INTAKE_CONCURRENCY").orElse("1,16,64")),
        Integer.parseInt(env("BENCH_INTAKE_SECONDS").orElse("15")),
        ints(env("BENCH_E2E_RATES").orElse("200,1000")),
        Integer.parseInt(env("BENCH_E2E_SECONDS").orElse("60")),
        Integer.parseInt(env("BENCH_APP_WARMUP_SECONDS").orElse("60")),
        Integer.parseInt(env("BENCH_INTAKE_WARMUP_SECONDS").orElse("5")),
        "rbx_bench_key_0123456789abcdef",
        settings(env("BENCH_APP_ENV").orElse("")));
  }

  private static Map<String, String> settings(String spaced) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String setting : spaced.split("\\s+")) {
      int eq = setting.indexOf('=');
      if (eq > 0) {
        settings.put(setting.substring(0, eq), setting.substring(eq + 1));
      }
    }
    return Collections.unmodifiableMap(settings);
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split("\\s*,\\s*")).map(Integer::parseInt).toList();
  }

  private static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).map(String::strip).filter(s -> !s.isEmpty());
  }
}
