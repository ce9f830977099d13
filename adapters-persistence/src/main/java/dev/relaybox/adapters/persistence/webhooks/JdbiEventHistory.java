package dev.relaybox.adapters.persistence.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.application.webhooks.EventEnvelope;
import dev.relaybox.application.webhooks.port.out.EventHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Relayed events still in {@code outbox_event} (maintenance prunes them after the retention period). */
public final class JdbiEventHistory implements EventHistory {
  private final Jdbi jdbi;
  private final ObjectMapper json;

  public JdbiEventHistory(Jdbi jdbi, ObjectMapper json) {
    this.jdbi = jdbi;
    this.json = json;
  }

  @Override
  public List<Stored> since(Instant since, long after, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, event_id, event_type, event_key, payload::text AS payload, headers::text AS headers, created_at
            FROM outbox_event
            WHERE created_at >= :since AND id > :after AND relayed_at IS NOT NULL
            ORDER BY id LIMIT :limit""")
        .bind("since", since)
        .bind("after", after)
        .bind("limit", limit)
        .map((rs, ctx) -> {
          Optional<String> correlation;
          try {
            JsonNode headers = json.readTree(rs.getString("headers"));
            correlation = Optional.ofNullable(headers.get(OutboxEvent.CORRELATION_HEADER)).map(JsonNode::asText);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return new Stored(rs.getLong("id"), new EventEnvelope(rs.getObject("event_id", UUID.class), rs.getString("event_type"),
              rs.getObject("created_at", OffsetDateTime.class).toInstant(), Optional.ofNullable(rs.getString("event_key")), correlation,
              rs.getString("payload")));
        })
        .list());
  }

  @Override
  public Optional<Instant> occurredAt(UUID eventId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT created_at FROM outbox_event WHERE event_id = :eventId")
        .bind("eventId", eventId)
        .map((rs, ctx) -> rs.getObject("created_at", OffsetDateTime.class).toInstant())
        .findOne());
  }
}
