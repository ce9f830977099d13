package dev.relaybox.adapters.persistence.shared;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the Flyway migrations in {@code db/migration}; every node runs this at start and Flyway serialises them. */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static int apply(DataSource dataSource) {
    var result = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
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
