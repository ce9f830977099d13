package dev.relaybox.adapters.persistence.shared;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Readiness: the database answers within a second and its schema is at the version this build migrated to. */
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
      return expectedVersion.equals(version)
          ? java.util.Optional.empty()
          : java.util.Optional.of("schema is at version " + version + ", expected " + expectedVersion);
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
