package dev.relaybox.bench.fleet;

import dev.relaybox.bench.GeneratedBlock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The chaos harness ({@code deploy/chaos.sh}): an external PostgreSQL behind a cutting TCP proxy, three jars behind
 * nginx, steady open-loop load on assistance requests and Google purchases, and one fault after another with a quiet
 * spell between them: SIGKILL of a jar; SIGSTOP of a jar for twice {@code RELAYBOX_JOB_LEASE}, then SIGCONT; a
 * PostgreSQL crash ({@code pg_ctl stop -m immediate}) and restart; every PostgreSQL connection reset mid-transaction,
 * three times. Then it waits for every accepted request to settle and writes the counts to
 * {@code docs/reliability.md} (the block between {@code chaos:begin} and {@code chaos:end}).
 */
final class ChaosRun {
  private static final Duration LEASE = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("CHAOS_LEASE_SECONDS", "6")));
  private static final int RATE = Integer.parseInt(System.getenv().getOrDefault("CHAOS_RATE", "40"));
  private static final Duration QUIET = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("CHAOS_QUIET_SECONDS", "20")));
  static final String STALE_WRITES = "relaybox_jobs_stale_writes_total";

  private final Path root;
  private final int base;
  private final Path dir;
  private final List<String> timeline = new ArrayList<>();
  private long started;

  ChaosRun(Path root, int base, Path dir) {
    this.root = root;
    this.base = base;
    this.dir = dir;
  }

  void run() throws Exception {
    Map<String, String> env = Map.of(
        "CLUSTER_DB_PORT", Integer.toString(base + 2),
        "RELAYBOX_JOB_LEASE", LEASE.toSeconds() + "s",
        "RELAYBOX_MAINTENANCE_INTERVAL", "1s",
        "RELAYBOX_POLL_INTERVAL", "500ms",
        "RELAYBOX_BACKEND_RETRY_SCALE", "0.01");
    Cluster cluster = new Cluster(root, base, dir, env, Optional.empty());
    try (FleetFakes fakes = new FleetFakes(cluster.fakesPort());
        TcpChaosProxy proxy = new TcpChaosProxy(cluster.proxyPort(), cluster.postgresPort())) {
      cluster.run("up", "3");
      started = System.nanoTime();
      NginxLog nginx = new NginxLog(dir.resolve("nginx/access.log"));
      Instant begin = Instant.now();
      List<FleetTally.Row> rows;
      OpenLoad load;
      Optional<Long> staleWrites;
      boolean staleExported;
      try (CounterScraper stale = new CounterScraper(STALE_WRITES, List.of(cluster.jarPort(1), cluster.jarPort(2), cluster.jarPort(3)),
          Duration.ofSeconds(1))) {
        load = new OpenLoad(cluster.loadBalancerUrl(), Cluster.API_KEY, 0.3, "chaos-" + System.currentTimeMillis())
            .start(RATE, Duration.ofHours(1));
        quiet();
        note("SIGKILL jar 2");
        cluster.run("kill", "2");
        Thread.sleep(LEASE.toMillis() + 4000);
        note("start jar 2");
        cluster.run("start", "2");
        quiet();
        note("SIGSTOP jar 3 for " + LEASE.multipliedBy(2).toSeconds() + " s (lease " + LEASE.toSeconds() + " s)");
        cluster.run("pause", "3");
        Thread.sleep(LEASE.multipliedBy(2).toMillis());
        note("SIGCONT jar 3");
        cluster.run("resume", "3");
        quiet();
        note("PostgreSQL crash (pg_ctl stop -m immediate)");
        cluster.run("pg-crash");
        Thread.sleep(5000);
        note("PostgreSQL start");
        cluster.run("pg-start");
        quiet();
        for (int i = 1; i <= 3; i++) {
          note("cut every PostgreSQL connection (" + proxy.cutAll() + " cut)");
          Thread.sleep(3000);
        }
        quiet();
        note("load stops");
        load.stop();
        rows = new FleetTally(fakes, cluster.jdbcUrl()).awaitSettled(load.accepted(), Duration.ofMinutes(5));
        note("settled");
        staleWrites = stale.total();
        staleExported = stale.exported();
      }
      NginxLog.Retries retries = nginx.read();
      String report = report(begin, rows, load, staleWrites, staleExported, retries);
      System.out.print(report);
      writeDocs(report);
    } finally {
      cluster.run("down");
    }
  }

  private void quiet() throws InterruptedException {
    Thread.sleep(QUIET.toMillis());
  }

  private void note(String event) {
    String line = String.format(Locale.ROOT, "%6.1f s  %s", (System.nanoTime() - started) / 1e9, event);
    System.out.println("chaos: " + line);
    timeline.add(line);
  }

  private String report(Instant begin, List<FleetTally.Row> rows, OpenLoad load, Optional<Long> staleWrites, boolean exported,
      NginxLog.Retries retries) {
    StringBuilder out = new StringBuilder();
    out.append("Run ").append(begin.truncatedTo(ChronoUnit.SECONDS))
        .append(" at commit `").append(GeneratedBlock.commitAt(root)).append("`, ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, load average ").append(ProcessCpu.loadAverage())
        .append(" at the end. Three jars behind nginx, PostgreSQL 15 behind the harness's TCP proxy, ").append(RATE)
        .append(" requests/s open loop (30 % Google purchases, 70 % assistance requests), `RELAYBOX_JOB_LEASE=")
        .append(LEASE.toSeconds()).append("s`.\n\n");
    out.append(FleetTally.markdown(rows)).append('\n');
    out.append("| at the client | count |\n|---|---:|\n");
    out.append("| requests sent | ").append(load.sent()).append(" |\n");
    out.append("| accepted (202 / 200) | ").append(load.accepted().size()).append(" |\n");
    load.failuresByCause().forEach((cause, n) -> out.append("| refused: ").append(cause).append(" | ").append(n).append(" |\n"));
    out.append("| passed to a second node by nginx | ").append(retries.retried()).append(" (first answers: ")
        .append(retries.firstAttemptStatus()).append(") |\n");
    out.append("| stale writes fenced out (`").append(STALE_WRITES).append("`, all nodes) | ")
        .append(exported ? staleWrites.map(String::valueOf).orElse("?") : "not exported by this build").append(" |\n\n");
    out.append("Timeline:\n\n```\n");
    timeline.forEach(t -> out.append(t).append('\n'));
    out.append("```\n");
    return out.toString();
  }

  private void writeDocs(String report) throws IOException {
    new GeneratedBlock("<!-- chaos:begin (written by deploy/chaos.sh) -->", "<!-- chaos:end -->",
        "# Reliability under faults\n\n").writeInto(root.resolve("docs/reliability.md"), report);
  }
}
