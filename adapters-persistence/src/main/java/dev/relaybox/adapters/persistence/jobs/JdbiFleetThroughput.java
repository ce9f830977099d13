package dev.relaybox.adapters.persistence.jobs;

import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase.ThroughputMinute;
import dev.relaybox.application.jobs.port.out.FleetThroughput;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Every node's per-minute job counts in {@code job_throughput}: one row per minute, subscription and node. */
public final class JdbiFleetThroughput implements FleetThroughput {
  private final Jdbi jdbi;

  public JdbiFleetThroughput(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public void publish(String node, List<ThroughputMinute> minutes) {
    if (minutes.isEmpty()) {
      return;
    }
    // Sorted, so two publishes of overlapping rows (never two nodes: each writes its own) lock them in one order.
    List<ThroughputMinute> ordered = minutes.stream()
        .sorted(java.util.Comparator.comparing(ThroughputMinute::minute).thenComparing(ThroughputMinute::subscription))
        .toList();
    jdbi.useHandle(h -> {
      PreparedBatch batch = h.prepareBatch("""
          INSERT INTO job_throughput (minute, subscription, node, completed, retried, dead)
          VALUES (:minute, :subscription, :node, :completed, :retried, :dead)
          ON CONFLICT (minute, subscription, node)
          DO UPDATE SET completed = EXCLUDED.completed, retried = EXCLUDED.retried, dead = EXCLUDED.dead""");
      for (ThroughputMinute m : ordered) {
        batch.bind("minute", Timestamp.from(m.minute()))
            .bind("subscription", m.subscription())
            .bind("node", node)
            .bind("completed", m.completed())
            .bind("retried", m.retried())
            .bind("dead", m.dead())
            .add();
      }
      batch.execute();
    });
  }

  @Override
  public List<ThroughputMinute> since(Instant from) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT minute, subscription, sum(completed) AS completed, sum(retried) AS retried, sum(dead) AS dead
            FROM job_throughput WHERE minute >= :from
            GROUP BY minute, subscription ORDER BY minute, subscription""")
        .bind("from", Timestamp.from(from))
        .map((rs, ctx) -> new ThroughputMinute(rs.getTimestamp("minute").toInstant(), rs.getString("subscription"),
            rs.getLong("completed"), rs.getLong("retried"), rs.getLong("dead")))
        .list());
  }

  @Override
  public int pruneBefore(Instant before) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM job_throughput WHERE minute < :before")
        .bind("before", Timestamp.from(before))
        .execute());
  }
}
