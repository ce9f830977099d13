package dev.relaybox.adapters.persistence.shared;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the Flyway migrations in {@code db/migration}; every node runs this at start and Flyway serialises them. */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static int apply(DataSource dataSource) {
    FluentConfiguration configuration = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .failOnMissingLocations(true);
    // A session advisory lock instead of a transaction held open for the whole run: CREATE INDEX CONCURRENTLY waits
    // for every open transaction, Flyway's own included, and would wait until the idle timeout ended it.
    configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    // A migration waits for its locks as long as it takes (a concurrent index build waits for every open
    // transaction); the pool's lock_timeout is for requests. The connections that carried this setting leave the pool.
    configuration.initSql("SET lock_timeout = 0");
    MigrateResult result;
    try {
      result = configuration.load().migrate();
    } finally {
      if (dataSource instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null) {
        pool.getHikariPoolMXBean().softEvictConnections();
      }
    }
    String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    LOG.info("database schema at version {} ({} migrations applied now)", version, result.migrationsExecuted);
    return result.migrationsExecuted;
  }

  /** @return true when every migration on the classpath is applied to the database */
  public static boolean upToDate(DataSource dataSource) {
    var info = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().info();
    return info.pending().length == 0 && info.current() != null;
  }
}
