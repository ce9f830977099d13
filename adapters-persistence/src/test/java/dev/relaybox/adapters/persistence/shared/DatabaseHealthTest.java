package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Readiness follows the schema: behind this build's migrations is not ready, at or ahead of them is. */
class DatabaseHealthTest {

  @Test
  void aNodeStaysReadyWhenANewerNodeHasMigratedAheadAndIsNotReadyOnAnOlderSchema() throws Exception {
    try (HikariDataSource pool = ConnectionPool.open(TestDatabase.freshDatabase(), 2)) {
      DatabaseHealth health = DatabaseHealth.afterMigrating(pool);
      assertEquals(Optional.empty(), health.problem());
      String current = version(pool);

      // What a newer build's first node leaves behind during a rolling upgrade: one more, additive migration.
      execute(pool, """
          INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by,
                                             execution_time, success)
          SELECT max(installed_rank) + 1, '100000', 'a newer build', 'SQL', 'V100000__newer.sql', 0, current_user, 1, true
          FROM flyway_schema_history""");
      assertEquals(Optional.empty(), health.problem(), "ready on a schema ahead of this build");

      DatabaseHealth newer = new DatabaseHealth(pool, "100001");
      assertTrue(newer.problem().orElse("").contains("expected 100001 or later"), newer.problem().toString());
      assertTrue(new DatabaseHealth(pool, current).problem().isEmpty());
    }
  }

  private static String version(HikariDataSource pool) throws Exception {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void execute(HikariDataSource pool, String sql) throws Exception {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
