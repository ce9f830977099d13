package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class ConnectionPoolTest {

  @Test
  void aNodePausedInsideATransactionLosesItsSessionAndTheLocksItHeld() throws Exception {
    try (HikariDataSource pool = ConnectionPool.open(TestDatabase.freshDatabase(), 2);
         Connection paused = pool.getConnection();
         Connection other = pool.getConnection()) {
      paused.setAutoCommit(false);
      try (Statement statement = paused.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(42)");
      }
      // The paused node sends nothing more; the other node waits for the lock for longer than the idle limit.
      other.setAutoCommit(false);
      try (Statement statement = other.createStatement()) {
        statement.execute("SET LOCAL lock_timeout = '20s'");
        statement.execute("SELECT pg_advisory_xact_lock(42)");
        other.commit();
      }

      SQLException ended = assertThrows(SQLException.class, () -> {
        try (Statement statement = paused.createStatement()) {
          statement.execute("SELECT 1");
        }
      });
      assertEquals("25P03", ended.getSQLState(), ended.getMessage()); // idle_in_transaction_session_timeout
    }
  }
}
