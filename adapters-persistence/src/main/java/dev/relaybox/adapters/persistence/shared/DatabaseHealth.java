package dev.relaybox.adapters.persistence.shared;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationVersion;

/** Readiness: the database answers within a second and its schema is at the version this build migrated to, or later. */
public final class DatabaseHealth {
  private final DataSource dataSource;
  private final String expectedVersion;

  public DatabaseHealth(DataSource dataSource, String expectedVersion) {
    this.dataSource = dataSource;
    this.expectedVersion = expectedVersion;
  }

  public static DatabaseHealth afterMigrating(DataSource dataSource) {
    Migrations.apply(dataSource);
    try (Connection c = dataSource.getConnection()) {
      return new DatabaseHealth(dataSource, currentVersion(c));
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the schema version after migrating", e);
    }
  }

  /** @return empty when ready, otherwise why not */
  public java.util.Optional<String> problem() {
    try (Connection c = dataSource.getConnection()) {
      String version = currentVersion(c);
      // Ahead is ready: during a rolling upgrade a newer node migrates first, and the migrations are additive, so the
      // nodes still on this build keep working on the newer schema. Reporting them unready would have a balancer
      // drop every old node the moment the first new one started.
      return !version.equals("none") && MigrationVersion.fromVersion(version).isAtLeast(expectedVersion)
          ? java.util.Optional.empty()
          : java.util.Optional.of("schema is at version " + version + ", expected " + expectedVersion + " or later");
    } catch (SQLException | RuntimeException e) {
      return java.util.Optional.of("database unavailable: " + e.getMessage());
    }
  }

  private static String currentVersion(Connection c) throws SQLException {
    try (var statement = c.prepareStatement(
        "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
      statement.setQueryTimeout(1);
      try (var rs = statement.executeQuery()) {
        return rs.next() ? rs.getString(1) : "none";
      }
    }
  }
}
