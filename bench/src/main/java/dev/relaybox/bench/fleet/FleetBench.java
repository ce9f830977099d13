package dev.relaybox.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.bench.GeneratedBlock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fleet throughput on one PostgreSQL: for 1, 2 and 3 jars behind nginx, a closed loop of {@code FLEET_CONNECTIONS}
 * (32) clients posting assistance requests (each with an {@code Idempotency-Key}), first to warm the jars up and then
 * for a measured {@code FLEET_SECONDS} (20 s), after which every request accepted in the measured window must reach the
 * Slack fake. The warm-up lasts at least {@code FLEET_WARMUP} (60 s) and until the JIT has settled: until the jars'
 * compiler threads use under {@code FLEET_JIT_SETTLED} (5 %) of the jars' CPU over 10 s, or {@code FLEET_WARMUP_MAX}
 * (600 s) has passed. On 2 cores the compiler takes a third of a jar's CPU for the first minute and a jar at a third
 * of the load reaches its thresholds three times later, so a fixed warm-up would charge the larger fleets for
 * compiling rather than for serving. Intake is 202s per second in the window; drain is those requests over the time
 * from the window's start to the last one's arrival at Slack (what the fleet sustains end to end). CPU seconds of the
 * jars and of PostgreSQL, and samples of {@code pg_stat_activity}, name the bound. Rewrites the
 * {@code fleet:begin}/{@code fleet:end} block of {@code docs/benchmarks.md}.
 */
final class FleetBench {
  record Round(int nodes, long accepted, long failed, double intakePerSecond, double drainPerSecond, double jarCpu, double pgCpu,
      double compilerShare, double lockWaits, double idleInTransaction, long warmupSeconds, String loadBefore) {}

  private final Path root;
  private final int base;
  private final Path dir;
  private final ObjectMapper json = new ObjectMapper();
  private final int connections = Integer.parseInt(System.getenv().getOrDefault("FLEET_CONNECTIONS", "32"));
  private final int warmup = Integer.parseInt(System.getenv().getOrDefault("FLEET_WARMUP", "60"));
  private final int warmupMax = Integer.parseInt(System.getenv().getOrDefault("FLEET_WARMUP_MAX", "600"));
  private final double jitSettled = Double.parseDouble(System.getenv().getOrDefault("FLEET_JIT_SETTLED", "0.05"));
  private final int seconds = Integer.parseInt(System.getenv().getOrDefault("FLEET_SECONDS", "20"));

  FleetBench(Path root, int base, Path dir) {
    this.root = root;
    this.base = base;
    this.dir = dir;
  }

  void run(int maxNodes) throws Exception {
    List<Round> rounds = new ArrayList<>();
    // Every client posts with the one API key of the cluster kit: at the default per-key limit (200/s) the rows would
    // measure 429s, not the fleet.
    Cluster cluster = new Cluster(root, base, dir, Map.of("RELAYBOX_API_RATE", "1000000"), Optional.empty());
    try (FleetFakes fakes = new FleetFakes(base + 3)) {
      for (int n = 1; n <= maxNodes; n++) {
        String loadBefore = ProcessCpu.loadAverage();
        cluster.run("up", Integer.toString(n));
        try {
          rounds.add(round(cluster, fakes, n, loadBefore));
        } finally {
          cluster.run("down");
        }
      }
    }
    String table = markdown(rounds);
    System.out.print(table);
    writeDocs(table);
  }

  private Round round(Cluster cluster, FleetFakes fakes, int nodes, String loadBefore) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    ConcurrentLinkedQueue<String> measured = new ConcurrentLinkedQueue<>();
    AtomicLong failed = new AtomicLong();
    // Set once the warm-up is over; until then nothing a client sends is measured.
    AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
    AtomicLong measureUntil = new AtomicLong(Long.MAX_VALUE);
    long started = System.nanoTime();
    double jarCpu;
    double pgCpu;
    double compilerShare;
    WaitSampler waits;
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < connections; c++) {
        int client = c;
        clients.execute(() -> {
          long seq = 0;
          while (System.nanoTime() < measureUntil.get()) {
            String key = "bench-" + nodes + "-" + client + "-" + seq++;
            long sentAt = System.nanoTime();
            try {
              HttpResponse<String> response = http.send(post(cluster, key), HttpResponse.BodyHandlers.ofString());
              boolean inWindow = sentAt >= measureFrom.get() && sentAt < measureUntil.get();
              if (response.statusCode() == 202) {
                if (inWindow) {
                  measured.add(json.readTree(response.body()).path("id").asText());
                }
              } else if (inWindow) {
                failed.incrementAndGet();
              }
            } catch (IOException e) {
              if (sentAt >= measureFrom.get() && sentAt < measureUntil.get()) {
                failed.incrementAndGet();
              }
            } catch (InterruptedException e) {
              return;
            }
          }
        });
      }
      awaitSettledJit(cluster, nodes, started);
      long from = System.nanoTime();
      double jarFrom = jarCpu(cluster, nodes);
      double compilerFrom = compilerCpu(cluster, nodes);
      double pgFrom = cluster.postgresPid().map(ProcessCpu::secondsWithChildren).orElse(0.0);
      measureUntil.set(from + TimeUnit.SECONDS.toNanos(seconds));
      measureFrom.set(from);
      waits = new WaitSampler(cluster.jdbcUrl(), from, measureUntil.get());
      sleepUntil(measureUntil.get());
      jarCpu = jarCpu(cluster, nodes) - jarFrom;
      compilerShare = jarCpu <= 0 ? 0 : (compilerCpu(cluster, nodes) - compilerFrom) / jarCpu;
      pgCpu = cluster.postgresPid().map(ProcessCpu::secondsWithChildren).orElse(0.0) - pgFrom;
    }
    long warmedFor = TimeUnit.NANOSECONDS.toSeconds(measureFrom.get() - started);
    waits.stop();
    List<String> ids = new ArrayList<>(measured);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (ids.stream().anyMatch(id -> fakes.firstSlackArrival(id) == null) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    long lastArrival = ids.stream().map(fakes::firstSlackArrival).filter(a -> a != null).mapToLong(Long::longValue).max()
        .orElse(measureUntil.get());
    long undelivered = ids.stream().filter(id -> fakes.firstSlackArrival(id) == null).count();
    if (undelivered > 0) {
      System.err.printf("%d of %d requests were not delivered within 3 minutes%n", undelivered, ids.size());
    }
    double window = seconds;
    double drainSeconds = (lastArrival - measureFrom.get()) / 1e9;
    Round r = new Round(nodes, ids.size(), failed.get(), ids.size() / window, (ids.size() - undelivered) / drainSeconds, jarCpu / window,
        pgCpu / window, compilerShare, waits.lockWaits(), waits.idleInTransaction(), warmedFor, loadBefore);
    System.out.println(r);
    return r;
  }

  private HttpRequest post(Cluster cluster, String key) throws IOException {
    return HttpRequest.newBuilder(URI.create(cluster.loadBalancerUrl() + "/v1/assistance-requests"))
        .header("Authorization", "Bearer " + Cluster.API_KEY)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("topic", "sales",
            "description", "Fleet bench " + key + ": a customer wants a quote"))))
        .build();
  }

  /**
   * Returns once at least {@code FLEET_WARMUP} has passed since {@code started} and the jars' compiler threads used
   * under {@code FLEET_JIT_SETTLED} of the jars' CPU over the last 10 s, or at {@code FLEET_WARMUP_MAX}.
   */
  private void awaitSettledJit(Cluster cluster, int nodes, long started) {
    sleepUntil(started + TimeUnit.SECONDS.toNanos(warmup));
    long giveUpAt = started + TimeUnit.SECONDS.toNanos(warmupMax);
    while (System.nanoTime() < giveUpAt) {
      double jarFrom = jarCpu(cluster, nodes);
      double compilerFrom = compilerCpu(cluster, nodes);
      sleepUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
      double used = jarCpu(cluster, nodes) - jarFrom;
      double share = used <= 0 ? 0 : (compilerCpu(cluster, nodes) - compilerFrom) / used;
      System.out.printf(Locale.ROOT, "%d jar(s), %d s into the warm-up: compiler threads %.0f %% of the jars' CPU%n", nodes,
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), 100 * share);
      if (share < jitSettled) {
        return;
      }
    }
  }

  private static double compilerCpu(Cluster cluster, int nodes) {
    double total = 0;
    for (int i = 1; i <= nodes; i++) {
      total += cluster.jarPid(i).map(ProcessCpu::compilerSeconds).orElse(0.0);
    }
    return total;
  }

  private static double jarCpu(Cluster cluster, int nodes) {
    double total = 0;
    for (int i = 1; i <= nodes; i++) {
      total += cluster.jarPid(i).map(ProcessCpu::seconds).orElse(0.0);
    }
    return total;
  }

  private static void sleepUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      try {
        Thread.sleep(Duration.ofNanos(wait));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Once a second in the measured window: backends waiting on a lock, and backends idle inside a transaction. */
  private static final class WaitSampler {
    private final Thread thread;
    private long samples;
    private long lock;
    private long idleTx;

    WaitSampler(String jdbcUrl, long from, long until) {
      thread = Thread.ofPlatform().daemon().start(() -> {
        sleepUntil(from);
        try (Connection db = DriverManager.getConnection(jdbcUrl); Statement s = db.createStatement()) {
          while (System.nanoTime() < until) {
            try (ResultSet rs = s.executeQuery("""
                SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),
                       count(*) FILTER (WHERE state = 'idle in transaction')
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()""")) {
              rs.next();
              synchronized (this) {
                samples++;
                lock += rs.getLong(1);
                idleTx += rs.getLong(2);
              }
            }
            Thread.sleep(1000);
          }
        } catch (SQLException | InterruptedException e) {
          // the sampler is a diagnostic; the round's figures stand without it
        }
      });
    }

    void stop() throws InterruptedException {
      thread.join(5000);
    }

    synchronized double lockWaits() {
      return samples == 0 ? Double.NaN : (double) lock / samples;
    }

    synchronized double idleInTransaction() {
      return samples == 0 ? Double.NaN : (double) idleTx / samples;
    }
  }

  private String markdown(List<Round> rounds) {
    double intakeOne = rounds.isEmpty() ? Double.NaN : rounds.getFirst().intakePerSecond();
    double drainOne = rounds.isEmpty() ? Double.NaN : rounds.getFirst().drainPerSecond();
    StringBuilder out = new StringBuilder();
    out.append("Run ").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" at commit `")
        .append(GeneratedBlock.commitAt(root)).append("` on ").append(Runtime.getRuntime().availableProcessors()).append(" cores; ")
        .append(connections).append(" client connections through nginx; warm-up at least ").append(warmup)
        .append(" s and until the jars' JIT compiler threads use under ").append(Math.round(jitSettled * 100))
        .append(" % of their CPU over 10 s (at most ").append(warmupMax).append(" s); ").append(seconds)
        .append(" s measured; external PostgreSQL 15 with fsync on.\n\n");
    out.append("| jars | warm-up (s) | accepted | failed | intake req/s | vs 1 jar | drain req/s | vs 1 jar | jars' CPU (cores) | of it JIT | PostgreSQL CPU (cores) | backends waiting on a lock | idle in transaction | load average before |\n");
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Round r : rounds) {
      out.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %.0f | %.2f× | %.0f | %.2f× | %.2f | %.0f %% | %.2f | %.1f | %.1f | %s |%n",
          r.nodes(), r.warmupSeconds(), r.accepted(), r.failed(), r.intakePerSecond(), r.intakePerSecond() / intakeOne,
          r.drainPerSecond(), r.drainPerSecond() / drainOne, r.jarCpu(), 100 * r.compilerShare(), r.pgCpu(), r.lockWaits(),
          r.idleInTransaction(), r.loadBefore()));
    }
    return out.toString();
  }

  private void writeDocs(String table) throws IOException {
    new GeneratedBlock("<!-- fleet:begin (written by deploy/cluster.sh bench) -->", "<!-- fleet:end -->",
        "# Benchmarks\n\n").writeInto(root.resolve("docs/benchmarks.md"), table);
  }
}
