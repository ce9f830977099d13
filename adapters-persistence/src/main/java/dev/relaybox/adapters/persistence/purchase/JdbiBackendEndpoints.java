package dev.relaybox.adapters.persistence.purchase;

import dev.relaybox.application.purchase.port.out.BackendEndpoints;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Endpoint state in {@code webhook_endpoint}. Enabling also makes the subscription's waiting jobs due now and wakes
 * the workers, in one transaction; the job columns touched are the engine's public ones ({@code run_at} of
 * {@code available} jobs).
 */
public final class JdbiBackendEndpoints implements BackendEndpoints {
  private final Jdbi jdbi;

  public JdbiBackendEndpoints(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public EndpointState state(String name) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhook_endpoint WHERE name = :name")
        .bind("name", name)
        .map((rs, ctx) -> endpoint(rs))
        .findOne())
        .orElseThrow(() -> new IllegalStateException("no webhook endpoint " + name));
  }

  @Override
  public List<EndpointState> all() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhook_endpoint ORDER BY name").map((rs, ctx) -> endpoint(rs)).list());
  }

  @Override
  public boolean disable(String name, String reason, Instant at) {
    return jdbi.withHandle(h -> h.createUpdate("""
            UPDATE webhook_endpoint SET enabled = false, disabled_at = :at, disabled_reason = :reason
            WHERE name = :name AND enabled""")
        .bind("name", name)
        .bind("reason", reason)
        .bind("at", at)
        .execute() == 1);
  }

  @Override
  public int enable(String name, String subscription, Instant at) {
    return jdbi.inTransaction(h -> {
      h.createUpdate("""
              UPDATE webhook_endpoint SET enabled = true, enabled_since = :at, disabled_at = NULL, disabled_reason = NULL
              WHERE name = :name AND NOT enabled""")
          .bind("name", name)
          .bind("at", at)
          .execute();
      int woken = h.createUpdate("UPDATE job SET run_at = :at WHERE subscription = :subscription AND state = 'available' AND run_at > :at")
          .bind("subscription", subscription)
          .bind("at", at)
          .execute();
      h.createQuery("SELECT pg_notify('relaybox_jobs', :subscription)").bind("subscription", subscription).mapTo(String.class).one();
      return woken;
    });
  }

  private static EndpointState endpoint(ResultSet rs) throws SQLException {
    return new EndpointState(
        rs.getString("name"),
        rs.getBoolean("enabled"),
        rs.getObject("enabled_since", OffsetDateTime.class).toInstant(),
        Optional.ofNullable(rs.getObject("disabled_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
        Optional.ofNullable(rs.getString("disabled_reason")));
  }
}
