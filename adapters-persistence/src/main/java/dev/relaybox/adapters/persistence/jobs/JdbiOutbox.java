package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import java.time.Clock;
import org.jdbi.v3.core.Handle;

/**
 * Appends the event to the outbox in the caller's transaction; once that transaction commits, the {@link OutboxNotifier}
 * wakes the relays (never from inside it: see there why).
 */
public final class JdbiOutbox implements Outbox {
  private final JdbiUnitOfWork unitOfWork;
  private final Headers headers;
  private final Clock clock;
  private final OutboxNotifier notifier;

  public JdbiOutbox(JdbiUnitOfWork unitOfWork, ObjectMapper json, Clock clock, OutboxNotifier notifier) {
    this.unitOfWork = unitOfWork;
    this.headers = new Headers(json);
    this.clock = clock;
    this.notifier = notifier;
  }

  @Override
  public void publish(OutboxEvent event) {
    Handle handle = unitOfWork.currentHandle("Outbox.publish");
    handle.createUpdate("""
            INSERT INTO outbox_event (event_id, event_type, event_key, payload, headers, created_at)
            VALUES (:eventId, :type, :key, CAST(:payload AS jsonb), CAST(:headers AS jsonb), :now)""")
        .bind("eventId", event.id())
        .bind("type", event.type().value())
        .bind("key", event.key())
        .bind("payload", event.payloadJson())
        .bind("headers", headers.write(event.headers()))
        .bind("now", clock.instant())
        .execute();
    handle.afterCommit(notifier::outboxAppended);
  }
}
