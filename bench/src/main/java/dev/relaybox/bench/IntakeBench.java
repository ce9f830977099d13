package dev.relaybox.bench;

import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intake of {@code POST /v1/assistance-requests} driven by {@code wrk}, and beside it the PostgreSQL ceiling: {@code
 * pgbench} running the two statements the use case runs (the assistance_request row as {@code JdbiAssistanceRequests.add}
 * writes it, the outbox_event row as {@code JdbiOutbox.publish} writes it) in one transaction per request, at the same
 * concurrency, against the same server and database while the same jar is running; once without NOTIFY (the ceiling
 * the targets use) and once with a {@code pg_notify} in every transaction (PostgreSQL serialises notifying commits,
 * which holds that one down). pgbench writes into copies of the two tables in schema {@value #CEILING_SCHEMA} (same
 * columns, defaults, constraints, indexes and fill factor; see {@link #createCeilingTables}), which no one consumes:
 * the ceiling is "just insert the rows", with no delivery of them competing for the machine.
 */
final class IntakeBench {
  private static final Logger LOG = LoggerFactory.getLogger(IntakeBench.class);
  static final String BODY = "{\"topic\":\"sales\",\"description\":\"A customer wants a quote for 40 seats\",\"metadata\":{\"botId\":\"lb-7\"}}";
  /** A time-ordered id like the app's (UUIDv7 layout: 48 bits of milliseconds first), so both insert into the right edge of the primary key. */
  private static final String V7 = "(lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') "
      + "|| substr(md5(random()::text), 1, 20))::uuid";
  static final String PGBENCH_SCRIPT_NOTIFY = """
      BEGIN;
      INSERT INTO assistance_request (id, topic, description, metadata, status, created_at, correlation_id) VALUES (%s, 'sales', 'A customer wants a quote for 40 seats', CAST('{"botId":"lb-7"}' AS jsonb), 'pending', now(), 'pgbench') RETURNING id \\gset
      WITH appended AS (INSERT INTO outbox_event (event_id, event_type, event_key, payload, headers, created_at) VALUES (%s, 'assistance.requested', CAST(:id AS text), CAST('{"requestId":"' || CAST(:id AS text) || '","topic":"sales"}' AS jsonb), CAST('{"correlationId":"pgbench"}' AS jsonb), now()) RETURNING id) SELECT pg_notify('relaybox_outbox', '') FROM appended;
      END;
      """.formatted(V7, V7);
  static final String PGBENCH_SCRIPT = """
      BEGIN;
      INSERT INTO assistance_request (id, topic, description, metadata, status, created_at, correlation_id) VALUES (%s, 'sales', 'A customer wants a quote for 40 seats', CAST('{"botId":"lb-7"}' AS jsonb), 'pending', now(), 'pgbench') RETURNING id \\gset
      INSERT INTO outbox_event (event_id, event_type, event_key, payload, headers, created_at) VALUES (%s, 'assistance.requested', CAST(:id AS text), CAST('{"requestId":"' || CAST(:id AS text) || '","topic":"sales"}' AS jsonb), CAST('{"correlationId":"pgbench"}' AS jsonb), now());
      END;
      """.formatted(V7, V7);

  /** Where pgbench writes: copies of the jar's intake tables that nothing reads. */
  static final String CEILING_SCHEMA = "intake_ceiling";

  record Result(double perSecond, double p50Millis, double p99Millis, double maxMillis, long count, long failed) {
    double seconds() {
      return perSecond > 0 ? count / perSecond : 0;
    }
  }

  /**
   * Fresh, empty copies of {@code assistance_request} and {@code outbox_event} in {@value #CEILING_SCHEMA}: {@code LIKE
   * … INCLUDING ALL} copies columns, defaults (the same id sequence), constraints and indexes (the relay's partial index
   * too); the table's storage options (fill factor) are copied from {@code pg_class}.
   */
  static void createCeilingTables(BenchDatabase db) {
    List<String> statements = new ArrayList<>(List.of("DROP SCHEMA IF EXISTS " + CEILING_SCHEMA + " CASCADE",
        "CREATE SCHEMA " + CEILING_SCHEMA));
    for (String table : List.of("assistance_request", "outbox_event")) {
      String options = db.text("SELECT coalesce(array_to_string(reloptions, ', '), '') FROM pg_class WHERE oid = 'public." + table + "'::regclass");
      statements.add("CREATE TABLE " + CEILING_SCHEMA + "." + table + " (LIKE public." + table + " INCLUDING ALL)"
          + (options.isEmpty() ? "" : " WITH (" + options + ")"));
    }
    db.execute(statements.toArray(String[]::new));
  }

  private final Path work;
  private final Path wrkScript;
  private final Path pgbenchScript;
  private final Path pgbenchNotifyScript;

  IntakeBench(AppConfig config) {
    try {
      work = Files.createTempDirectory("relaybox-bench-intake");
      wrkScript = work.resolve("post.lua");
      Files.writeString(wrkScript, """
          wrk.method = "POST"
          wrk.body = '%s'
          wrk.headers["Content-Type"] = "application/json"
          wrk.headers["Authorization"] = "Bearer %s"
          done = function(summary, latency, requests)
            local e = summary.errors
            io.write(string.format("BENCH requests=%%d duration_us=%%d p50_us=%%d p99_us=%%d max_us=%%d connect=%%d read=%%d write=%%d status=%%d timeout=%%d\\n",
              summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
              e.connect, e.read, e.write, e.status, e.timeout))
          end
          """.formatted(BODY, config.apiKey()));
      pgbenchScript = work.resolve("intake.sql");
      Files.writeString(pgbenchScript, PGBENCH_SCRIPT);
      pgbenchNotifyScript = work.resolve("intake-notify.sql");
      Files.writeString(pgbenchNotifyScript, PGBENCH_SCRIPT_NOTIFY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern WRK = Pattern.compile(
      "BENCH requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) max_us=(\\d+) connect=(\\d+) read=(\\d+) write=(\\d+) status=(\\d+) timeout=(\\d+)");

  /** Closed loop: {@code concurrency} connections, each sending the next POST when the previous answer arrived. */
  Result wrk(String baseUrl, int concurrency, int seconds) throws InterruptedException {
    int threads = Math.min(2, concurrency);
    String out = run(List.of("wrk", "-t", Integer.toString(threads), "-c", Integer.toString(concurrency), "-d", seconds + "s",
        "--timeout", "10s", "-s", wrkScript.toString(), baseUrl + "/v1/assistance-requests"), Map.of());
    Matcher m = WRK.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected wrk output:\n" + out);
    }
    long requests = Long.parseLong(m.group(1));
    double duration = Long.parseLong(m.group(2)) / 1e6;
    long failed = 0;
    for (int g = 6; g <= 10; g++) {
      failed += Long.parseLong(m.group(g));
    }
    long accepted = requests - Long.parseLong(m.group(9)); // status = answers other than 2xx/3xx
    Result r = new Result(accepted / duration, Long.parseLong(m.group(3)) / 1e3, Long.parseLong(m.group(4)) / 1e3,
        Long.parseLong(m.group(5)) / 1e3, accepted, failed);
    LOG.info("wrk c{}: {} accepted/s, p50 {} ms, p99 {} ms, max {} ms, {} errors", concurrency, String.format("%.0f", r.perSecond()),
        r.p50Millis(), r.p99Millis(), r.maxMillis(), failed);
    return r;
  }

  /**
   * One transaction per request, {@code -M prepared}, into the ceiling's tables ({@link #createCeilingTables} first);
   * latencies from pgbench's per-transaction log.
   */
  Result pgbench(JdbcTarget target, int concurrency, int seconds, boolean notify) throws InterruptedException {
    Path logs = work.resolve("pgbench-c" + concurrency + "-" + System.nanoTime());
    try {
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Connection c = Connection.of(target);
    List<String> command = new ArrayList<>(List.of(pgbenchBinary(), "-n", "-M", "prepared", "-c", Integer.toString(concurrency),
        "-j", Integer.toString(Math.min(2, concurrency)), "-T", Integer.toString(seconds), "-f", (notify ? pgbenchNotifyScript : pgbenchScript).toString(),
        "-l", "--log-prefix=" + logs.resolve("tx"), "-h", c.host(), "-p", c.port(), "-U", c.user(), c.database()));
    Map<String, String> env = new HashMap<>(Map.of("PGOPTIONS", "-c search_path=" + CEILING_SCHEMA));
    c.password().ifPresent(p -> env.put("PGPASSWORD", p));
    String out = run(command, env);
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
    Matcher failedM = Pattern.compile("number of failed transactions: (\\d+)").matcher(out);
    Matcher processed = Pattern.compile("number of transactions actually processed: (\\d+)").matcher(out);
    if (!tps.find() || !processed.find()) {
      throw new IllegalStateException("unexpected pgbench output:\n" + out);
    }
    List<Long> micros = new ArrayList<>();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          String[] fields = line.split(" ");
          if (fields.length >= 3) {
            micros.add(Long.parseLong(fields[2]));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double[] ms = micros.stream().mapToDouble(v -> v / 1e3).toArray();
    double max = micros.stream().mapToLong(Long::longValue).max().orElse(0) / 1e3;
    Result r = new Result(Double.parseDouble(tps.group(1)), Stats.percentile(ms, 50), Stats.percentile(ms, 99), max,
        Long.parseLong(processed.group(1)), failedM.find() ? Long.parseLong(failedM.group(1)) : 0);
    LOG.info("pgbench{} c{}: {} tps, p50 {} ms, p99 {} ms, max {} ms", notify ? " with NOTIFY" : "", concurrency, String.format("%.0f", r.perSecond()),
        r.p50Millis(), r.p99Millis(), r.maxMillis());
    return r;
  }

  static String pgbenchBinary() {
    for (String candidate : new String[] {"/usr/bin/pgbench", "/usr/lib/postgresql/17/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench",
        "/usr/lib/postgresql/15/bin/pgbench"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "pgbench";
  }

  static String pgbenchVersion() {
    return Machine.command(pgbenchBinary(), "--version").orElse("?");
  }

  static String wrkVersion() {
    try {
      Process p = new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      return out.lines().findFirst().orElse("wrk").replaceAll("\\s*Copyright.*", "");
    } catch (IOException e) {
      return "wrk";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "wrk";
    }
  }

  private static String run(List<String> command, Map<String, String> extraEnv) throws InterruptedException {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(extraEnv);
      Process p = builder.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int code = p.waitFor();
      if (code != 0) {
        throw new IllegalStateException(command.getFirst() + " exited with " + code + ":\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command.getFirst(), e);
    }
  }

  /** Host, port, database and credentials out of a JDBC URL, for pgbench. */
  record Connection(String host, String port, String database, String user, Optional<String> password) {
    static Connection of(JdbcTarget target) {
      URI uri = URI.create(target.jdbcUrl().substring("jdbc:".length()));
      String user = target.user().orElse(null);
      String password = target.password().orElse(null);
      if (uri.getRawQuery() != null) {
        for (String kv : uri.getRawQuery().split("&")) {
          String[] p = kv.split("=", 2);
          if (p.length == 2 && p[0].equals("user") && user == null) {
            user = java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8);
          } else if (p.length == 2 && p[0].equals("password") && password == null) {
            password = java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8);
          }
        }
      }
      return new Connection(uri.getHost(), Integer.toString(uri.getPort() == -1 ? 5432 : uri.getPort()), uri.getPath().substring(1),
          user == null ? System.getProperty("user.name") : user, Optional.ofNullable(password));
    }
  }
}
