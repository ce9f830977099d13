package dev.relaybox.adapters.persistence.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.EmbeddedDatabase;
import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.adapters.persistence.shared.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM, and a fresh database per test class. The server is shared because starting
 * one takes seconds; the databases are not, so test classes never see each other's rows.
 */
public final class TestDatabase {
  private TestDatabase() {}

  private static final class Server {
    static final EmbeddedDatabase INSTANCE = start();
    static final AtomicInteger NEXT = new AtomicInteger();

    private static EmbeddedDatabase start() {
      try {
        EmbeddedDatabase db = EmbeddedDatabase.startScratch(Files.createTempDirectory("relaybox-test-pg").resolve("data"));
        Runtime.getRuntime().addShutdownHook(new Thread(db::close, "test-postgres-stop"));
        return db;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The shared server's superuser connection to its {@code relaybox} database. */
  public static JdbcTarget server() {
    return Server.INSTANCE.target();
  }

  /** A new empty database on the shared server. */
  public static JdbcTarget freshDatabase() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + Server.NEXT.incrementAndGet();
    try (Connection c = Server.INSTANCE.target().connect("relaybox-tests"); var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return Server.INSTANCE.target().withDatabase(name);
  }

  /** A new database with every migration applied, behind a small pool. */
  public static HikariDataSource freshMigratedPool(int size) {
    HikariDataSource pool = ConnectionPool.open(freshDatabase(), size);
    Migrations.apply(pool);
    return pool;
  }
}
