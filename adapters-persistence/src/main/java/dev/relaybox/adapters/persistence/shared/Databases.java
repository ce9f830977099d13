package dev.relaybox.adapters.persistence.shared;

import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/** Builds the one {@link Jdbi} instance the adapters share. */
public final class Databases {
  private Databases() {}

  public static Jdbi jdbi(DataSource dataSource) {
    Jdbi jdbi = Jdbi.create(dataSource);
    jdbi.installPlugin(new PostgresPlugin());
    jdbi.registerArrayType(Long.class, "bigint");
    jdbi.registerArrayType(Integer.class, "integer");
    return jdbi;
  }
}
