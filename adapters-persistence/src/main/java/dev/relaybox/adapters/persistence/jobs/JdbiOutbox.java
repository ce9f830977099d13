package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import java.time.Clock;

/**
 * Appends the event and, in the same statement, queues a NOTIFY; Postgres delivers the notification only if the
 * transaction commits, and folds repeats within one transaction into one.
 */
public final class JdbiOutbox implements Outbox {
  private final JdbiUnitOfWork unitOfWork;
  private final Headers headers;
  private final Clock clock;

  public JdbiOutbox(JdbiUnitOfWork unitOfWork, ObjectMapper json, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.headers = new Headers(json);
    this.clock = clock;
  }

  @Override
  public void publish(OutboxEvent event) {
    unitOfWork.currentHandle("Outbox.publish")
        .createQuery("""
            WITH appended AS (
              INSERT INTO outbox_event (event_id, event_type, event_key, payload, headers, created_at)
              VALUES (:eventId, :type, :key, CAST(:payload AS jsonb), CAST(:headers AS jsonb), :now)
              RETURNING id)
            SELECT pg_notify(:channel, '') FROM appended""")
        .bind("eventId", event.id())
        .bind("type", event.type().value())
        .bind("key", event.key())
        .bind("payload", event.payloadJson())
        .bind("headers", headers.write(event.headers()))
        .bind("now", clock.instant())
        .bind("channel", Signals.OUTBOX_CHANNEL)
        .mapTo(String.class)
        .one();
  }
}
