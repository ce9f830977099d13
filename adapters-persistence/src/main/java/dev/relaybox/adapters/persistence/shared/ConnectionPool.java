package dev.relaybox.adapters.persistence.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;

/** The HikariCP pool every repository and the job runner share. */
public final class ConnectionPool {
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
    config.addDataSourceProperty("ApplicationName", "relaybox");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(config);
  }
}
