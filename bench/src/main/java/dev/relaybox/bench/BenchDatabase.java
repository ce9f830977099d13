package dev.relaybox.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.EmbeddedDatabase;
import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.adapters.persistence.shared.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server under test: the app's embedded PostgreSQL in a throw-away directory, or {@code DATABASE_URL}. Holds the
 * statements every scenario uses to reset tables and load backlogs outside the measured window.
 */
final class BenchDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BenchDatabase.class);
  static final String SUBSCRIPTION = "bench.noop";
  static final Path SERVER_LOG = Path.of("bench/results/postgres.log");

  private final JdbcTarget target;
  private final Optional<EmbeddedDatabase> embedded;
  private final Optional<Path> dataDirectory;

  private BenchDatabase(JdbcTarget target, Optional<EmbeddedDatabase> embedded, Optional<Path> dataDirectory) {
    this.target = target;
    this.embedded = embedded;
    this.dataDirectory = dataDirectory;
  }

  static BenchDatabase open(Optional<String> databaseUrl) {
    if (databaseUrl.isPresent()) {
      JdbcTarget target = JdbcTarget.parse(databaseUrl.get());
      LOG.info("benchmarking against DATABASE_URL {}", target);
      return new BenchDatabase(target, Optional.empty(), Optional.empty());
    }
    try {
      Path dir = Files.createTempDirectory("relaybox-bench-pg");
      EmbeddedDatabase first = EmbeddedDatabase.start(dir.resolve("data"));
      new BenchDatabase(first.target(), Optional.empty(), Optional.empty()).logWhatStalls();
      first.close(); // the log collector starts with the server only
      EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("data"));
      LOG.info("benchmarking against the embedded PostgreSQL in {}; its log goes to {}", dir, SERVER_LOG);
      return new BenchDatabase(db.target(), Optional.of(db), Optional.of(dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A latency outlier needs its cause on record: the embedded server's log, kept as {@link #SERVER_LOG}, names every
   * autovacuum and checkpoint, lock waits and statements slower than 100 ms, with times to lay beside the jar's log.
   * Logging settings only; they change no plan and no write. The server writes the file in its data directory (it runs
   * as another user, who may not write here); {@link #close()} copies it out.
   */
  private void logWhatStalls() {
    execute("ALTER SYSTEM SET logging_collector = on", "ALTER SYSTEM SET log_directory = 'log'",
        "ALTER SYSTEM SET log_filename = 'postgres.log'", "ALTER SYSTEM SET log_rotation_age = 0",
        "ALTER SYSTEM SET log_rotation_size = 0", "ALTER SYSTEM SET log_autovacuum_min_duration = 0",
        "ALTER SYSTEM SET log_checkpoints = on", "ALTER SYSTEM SET log_lock_waits = on",
        "ALTER SYSTEM SET log_min_duration_statement = '100ms'", "ALTER SYSTEM SET log_parameter_max_length = 0",
        "ALTER SYSTEM SET log_line_prefix = '%m [%p] '");
  }

  /** Another database on the same server (created if missing), sharing nothing but the server with this one. */
  BenchDatabase sibling(String database) {
    if (count("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'") == 0) {
      execute("CREATE DATABASE " + database);
    }
    return new BenchDatabase(target.withDatabase(database), Optional.empty(), Optional.empty());
  }

  JdbcTarget target() {
    return target;
  }

  String description() {
    return embedded.isPresent() ? "embedded (EmbeddedDatabase.start, zonky binaries, fresh temp data directory)" : "DATABASE_URL";
  }

  HikariDataSource pool(int size) {
    return ConnectionPool.open(target, size);
  }

  void migrate() {
    try (HikariDataSource pool = pool(2)) {
      Migrations.apply(pool);
    }
  }

  Map<String, String> serverSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    try (Connection c = target.connect("relaybox-bench"); Statement s = c.createStatement()) {
      for (String name : new String[] {"server_version", "shared_buffers", "synchronous_commit", "fsync", "max_connections",
          "wal_level", "max_wal_size", "work_mem", "effective_cache_size", "autovacuum", "log_min_duration_statement"}) {
        try (var rs = s.executeQuery("SHOW " + name)) {
          rs.next();
          settings.put(name, rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read server settings", e);
    }
    return settings;
  }

  /** The server's postmaster, when the server runs on this machine (its CPU is then measured, see JarCpu). */
  OptionalLong localPostmaster() {
    try (Connection c = target.connect("relaybox-bench"); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return JarCpu.postmasterOf(rs.getLong(1)); // while the backend is alive
    } catch (SQLException e) {
      throw new IllegalStateException("bench query failed: " + e.getMessage(), e);
    }
  }

  /** Runs statements on a connection outside any pool (autocommit, so VACUUM works). */
  void execute(String... statements) {
    try (Connection c = target.connect("relaybox-bench"); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("bench statement failed: " + e.getMessage(), e);
    }
  }

  String text(String sql) {
    try (Connection c = target.connect("relaybox-bench"); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("bench query failed: " + e.getMessage(), e);
    }
  }

  long count(String sql) {
    try (Connection c = target.connect("relaybox-bench"); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("bench query failed: " + e.getMessage(), e);
    }
  }

  /** Empties the engine tables (a new relfilenode each, so no bloat carries over between runs). */
  void resetEngineTables() {
    execute("TRUNCATE job, job_history, outbox_event", "DELETE FROM job_subscription");
  }

  /**
   * Loads {@code n} due jobs for the bench subscription in one statement: the same row {@code JdbiJobs.enqueue}
   * inserts (a seq from relay_order, state 'available', run_at = created_at = now, no key, no dedupe key), minus the
   * NOTIFY, since the runner is not started yet. Then VACUUM ANALYZE and CHECKPOINT, so every run starts from the
   * same statistics and no checkpoint from the load lands inside the measured window.
   */
  void loadBacklog(int n) {
    execute("""
        INSERT INTO job (subscription, seq, payload, headers, state, run_at, created_at)
        SELECT '%s', nextval('relay_order'), jsonb_build_object('n', g), '{}'::jsonb, 'available', now(), now()
        FROM generate_series(1, %d) g""".formatted(SUBSCRIPTION, n),
        "VACUUM ANALYZE job",
        "CHECKPOINT");
  }

  /** {@code n} finished jobs spread over the last six days (inside the 7-day retention, so nothing is pruned). */
  void loadHistory(int n) {
    execute("""
        INSERT INTO job (subscription, seq, payload, headers, state, attempts, run_at, created_at, finished_at)
        SELECT '%s', nextval('relay_order'), jsonb_build_object('n', g), '{}'::jsonb, 'done', 1,
               t, t, t + interval '20 milliseconds'
        FROM generate_series(1, %d) g,
             LATERAL (SELECT now() - interval '6 days' + (g::double precision / %d) * interval '6 days' AS t) x"""
        .formatted(SUBSCRIPTION, n, n),
        // written as done directly, which no Relaybox path does: the tally of finished jobs is counted afresh
        "SELECT recount_job_finished_tally()",
        "VACUUM ANALYZE job",
        "CHECKPOINT");
  }

  @Override
  public void close() {
    embedded.ifPresent(EmbeddedDatabase::close);
    dataDirectory.ifPresent(dir -> {
      keepServerLog(dir.resolve("data/log/postgres.log"));
      deleteRecursively(dir);
    });
  }

  private static void keepServerLog(Path log) {
    try {
      Files.createDirectories(SERVER_LOG.getParent());
      Files.copy(log, SERVER_LOG, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.warn("could not keep the server's log {}: {}", log, e.toString());
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
