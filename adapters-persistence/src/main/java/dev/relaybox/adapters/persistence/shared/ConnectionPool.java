package dev.relaybox.adapters.persistence.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;

/** The HikariCP pool every repository and the job runner share. */
public final class ConnectionPool {
  /**
   * No transaction of this jar waits on anything but its own statements, so a session idle inside one for this long
   * belongs to a paused node (GC, SIGSTOP, a stalled VM): PostgreSQL ends it, and the row locks it held (a delivery's
   * record, an Idempotency-Key) stop blocking the nodes that took its work over.
   */
  public static final String IDLE_IN_TRANSACTION_LIMIT = "5s";

  private ConnectionPool() {}

  public static HikariDataSource open(JdbcTarget target, int maximumSize) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("relaybox");
    config.setJdbcUrl(target.jdbcUrl());
    target.user().ifPresent(config::setUsername);
    target.password().ifPresent(config::setPassword);
    config.setMaximumPoolSize(maximumSize);
    int minimumIdle = Math.min(maximumSize, 4);
    config.setMinimumIdle(minimumIdle);
    config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    config.setValidationTimeout(Duration.ofSeconds(2).toMillis());
    config.setMaxLifetime(Duration.ofMinutes(30).toMillis());
    if (minimumIdle < maximumSize) {
      config.setIdleTimeout(Duration.ofMinutes(5).toMillis());
    }
    // Wait for the database at start instead of failing on the first refused connection (it may still be booting).
    config.setInitializationFailTimeout(Duration.ofSeconds(30).toMillis());
    config.setConnectionInitSql("SET idle_in_transaction_session_timeout = '" + IDLE_IN_TRANSACTION_LIMIT + "'");
    config.addDataSourceProperty("ApplicationName", "relaybox");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(config);
  }
}
