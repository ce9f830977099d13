package dev.relaybox.adapters.persistence.shared;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
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
 *
 * <p>The durable server listens on 127.0.0.1 only and asks every connection, TCP or Unix socket, for the password
 * of the {@code postgres} role (SCRAM): a generated secret kept in {@value #SECRET_FILE} inside the data directory
 * (mode 0600). A data directory created before that (trusting every local connection) gets its password on its
 * first start. Throwaway test servers ({@link #startScratch}) keep trust authentication.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String DATABASE = "relaybox";
  public static final String SECRET_FILE = "relaybox-password";
  private static final String SUPERUSER = "postgres";
  private static final String HBA = """
      # Written by Relaybox: every connection needs the password in %s.
      local   all   all                  scram-sha-256
      host    all   all   127.0.0.1/32   scram-sha-256
      host    all   all   ::1/128        scram-sha-256
      """.formatted(SECRET_FILE);

  private final EmbeddedPostgres postgres;
  private final JdbcTarget target;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Optional<String> password) {
    this.postgres = postgres;
    this.target = new JdbcTarget("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE,
        Optional.of(SUPERUSER), password);
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
      Path secretFile = data.resolve(SECRET_FILE);
      Optional<String> secret = durable && Files.exists(secretFile)
          ? Optional.of(Files.readString(secretFile).strip())
          : Optional.empty();
      // Running as root, the library starts PostgreSQL in a user namespace (unshare -U), since it refuses root.
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      secret.ifPresent(password -> builder.setConnectConfig("password", password));
      EmbeddedPostgres postgres = builder
          .setDataDirectory(data)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          // Durability is the point of Relaybox; the library's defaults (postgres -F, synchronous_commit off) trade
          // it for speed in tests. A later -c wins over -F.
          .setServerConfig("synchronous_commit", durable ? "on" : "off")
          .setServerConfig("fsync", durable ? "on" : "off")
          .setServerConfig("max_connections", "200")
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setLocaleConfig("locale", "C")
          .start();
      ShutdownHooks.removeEmbeddedPostgresCloser();
      if (durable && secret.isEmpty()) {
        secret = Optional.of(requirePassword(postgres, data));
      }
      EmbeddedDatabase database = new EmbeddedDatabase(postgres, secret);
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

  private Connection connectTo(String database) throws SQLException {
    var properties = new java.util.Properties();
    properties.setProperty("user", SUPERUSER);
    target.password().ifPresent(password -> properties.setProperty("password", password));
    return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database, properties);
  }

  /**
   * The server already running on {@code dataDirectory} (a Relaybox started earlier), for tools that must not start
   * a second one: its port comes from {@code postmaster.pid}, its password from {@value #SECRET_FILE}.
   */
  public static Optional<JdbcTarget> running(Path dataDirectory) {
    Path data = dataDirectory.toAbsolutePath().normalize();
    Path pidFile = data.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      var lines = Files.readAllLines(pidFile);
      long pid = Long.parseLong(lines.getFirst().strip());
      if (lines.size() < 4 || ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
        return Optional.empty();
      }
      int port = Integer.parseInt(lines.get(3).strip());
      Path secretFile = data.resolve(SECRET_FILE);
      Optional<String> password = Files.exists(secretFile) ? Optional.of(Files.readString(secretFile).strip()) : Optional.empty();
      return Optional.of(new JdbcTarget("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, Optional.of(SUPERUSER), password));
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring unreadable {}: {}", pidFile, e.toString());
      return Optional.empty();
    }
  }

  public JdbcTarget target() {
    return target;
  }

  public int port() {
    return postgres.getPort();
  }

  /**
   * Gives the superuser a generated password and makes every connection present it. The secret file is written
   * (0600) before the server is told, so a crash in between leaves a directory that the next start can still open.
   */
  private static String requirePassword(EmbeddedPostgres postgres, Path data) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path secretFile = data.resolve(SECRET_FILE);
    Path partial = data.resolve(SECRET_FILE + ".tmp");
    Files.deleteIfExists(partial);
    try {
      Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(partial);
    }
    Files.writeString(partial, password + "\n");
    Files.move(partial, secretFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (Connection c = postgres.getPostgresDatabase().getConnection(); var statement = c.createStatement()) {
      // The password is base64url, so it cannot end the literal; ALTER ROLE takes no bind parameters.
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "'");
      Files.writeString(data.resolve("pg_hba.conf"), HBA);
      statement.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw new IllegalStateException("could not set the embedded PostgreSQL's password", e);
    }
    LOG.info("the embedded PostgreSQL now requires a password; it is kept in {}", secretFile);
    return password;
  }

  private void createApplicationDatabase() {
    try (Connection c = connectTo("postgres");
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
