package dev.relaybox.adapters.persistence.shared;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development default: a PostgreSQL server started from the binaries bundled in the jar, with its data in a
 * directory that survives restarts. Production points {@code DATABASE_URL} at a managed server instead.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String DATABASE = "relaybox";

  private final EmbeddedPostgres postgres;
  private final JdbcTarget target;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
    this.target = new JdbcTarget("jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE,
        Optional.of("postgres"), Optional.empty());
  }

  /**
   * Starts (initialising on first use) the server whose data lives in {@code dataDirectory}. A server orphaned by a
   * killed process on the same directory is stopped first.
   */
  public static EmbeddedDatabase start(Path dataDirectory) {
    return start(dataDirectory, 0);
  }

  /**
   * Like {@link #start(Path)}, on a fixed {@code port} ({@code 0} picks a free one). Restarting on the port of the
   * previous run lets pools and listeners that point at it reconnect.
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) {
    return start(dataDirectory, port, true);
  }

  /**
   * A throwaway server for tests: fsync off, so commits do not wait for the disk. Never for data that matters.
   */
  public static EmbeddedDatabase startScratch(Path dataDirectory) {
    return start(dataDirectory, 0, false);
  }

  private static EmbeddedDatabase start(Path dataDirectory, int port, boolean durable) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    try {
      Path data = dataDirectory.toAbsolutePath().normalize();
      Files.createDirectories(data);
      stopOrphanedServer(data);
      // Running as root, the library starts PostgreSQL in a user namespace (unshare -U), since it refuses root.
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(data)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          // Durability is the point of Relaybox; the library's defaults (postgres -F, synchronous_commit off) trade
          // it for speed in tests. A later -c wins over -F.
          .setServerConfig("synchronous_commit", durable ? "on" : "off")
          .setServerConfig("fsync", durable ? "on" : "off")
          .setServerConfig("max_connections", "200")
          .setLocaleConfig("locale", "C")
          .start();
      ShutdownHooks.removeEmbeddedPostgresCloser();
      EmbeddedDatabase database = new EmbeddedDatabase(postgres);
      database.createApplicationDatabase();
      return database;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  /**
   * A killed JVM cannot stop its PostgreSQL child, which keeps the data directory locked. A postmaster still alive
   * under the pid in {@code postmaster.pid} is ours from an earlier run, so shut it down (SIGTERM: smart shutdown;
   * its only clients died with that JVM).
   */
  private static void stopOrphanedServer(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
    } catch (RuntimeException e) {
      LOG.warn("ignoring unreadable {}: {}", pidFile, e.toString());
      return;
    }
    var orphan = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(true));
    if (orphan.isEmpty()) {
      return;
    }
    LOG.warn("stopping PostgreSQL (pid {}) left running on {} by an earlier process", pid, data);
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("PostgreSQL pid " + pid + " still holds " + data + "; stop it and start again", e);
    }
  }

  public JdbcTarget target() {
    return target;
  }

  public int port() {
    return postgres.getPort();
  }

  private void createApplicationDatabase() {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
         var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (var rs = exists.executeQuery()) {
        if (!rs.next()) {
          try (var create = c.createStatement()) {
            create.execute("CREATE DATABASE " + DATABASE);
          }
          LOG.info("created database {}", DATABASE);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + DATABASE + " in the embedded PostgreSQL", e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
    }
  }
}
