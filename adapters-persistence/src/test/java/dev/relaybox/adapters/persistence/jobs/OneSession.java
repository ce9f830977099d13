package dev.relaybox.adapters.persistence.jobs;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.Databases;
import org.jdbi.v3.core.Jdbi;

/**
 * A pool of one connection, so that every statement of a test runs on the session that planned the first ones (the
 * plans PostgreSQL caches per session are what the plan tests are about), and the rows a table has had read.
 */
final class OneSession implements AutoCloseable {
  private final HikariDataSource pool;
  final Jdbi jdbi;

  OneSession(Engine engine) {
    this.pool = ConnectionPool.open(engine.target, 1);
    this.jdbi = Databases.jdbi(pool);
  }

  /**
   * Rows of {@code table} read by sequential and index scans, as the statistics show them once this session's counts
   * are flushed (the flush after the first statement, which asks for it).
   */
  long rowsRead(String table) {
    return jdbi.withHandle(h -> {
      h.createQuery("SELECT pg_stat_force_next_flush()").mapTo(String.class).one();
      h.execute("SELECT pg_stat_clear_snapshot()");
      return h.createQuery("SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relname = :table")
          .bind("table", table)
          .mapTo(Long.class).one();
    });
  }

  @Override
  public void close() {
    pool.close();
  }
}
