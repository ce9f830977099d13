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

  /**
   * How long a statement on a pooled connection waits for a lock before PostgreSQL cancels it (SQL state 55P03, a
   * 503 with Retry-After at the API). Without a limit, reads queued behind one long-held lock (a DDL, an operator's
   * LOCK TABLE, a stuck transaction) held every pooled connection until it was released, and every other route and
   * the readiness probe failed meanwhile. Intake batches set their own, shorter one.
   */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(2);

  private ConnectionPool() {}

  /**
   * Replaces every connection {@code pool} holds: idle ones at once, those in use when they come back. A transaction
   * in flight is not disturbed.
   */
  public static Runnable evictAll(HikariDataSource pool) {
    return () -> pool.getHikariPoolMXBean().softEvictConnections();
  }

  public static HikariDataSource open(JdbcTarget target, int maximumSize) {
    return open(target, maximumSize, DEFAULT_LOCK_WAIT);
  }

  /** @param lockWait {@code lock_timeout} of every pooled connection; zero waits without a limit */
  public static HikariDataSource open(JdbcTarget target, int maximumSize, Duration lockWait) {
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
    config.setConnectionInitSql("SELECT set_config('idle_in_transaction_session_timeout', '" + IDLE_IN_TRANSACTION_LIMIT
        + "', false), set_config('lock_timeout', '" + lockWait.toMillis() + "ms', false)");
    config.addDataSourceProperty("ApplicationName", "relaybox");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(config);
  }
}
