package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import java.time.Clock;

/**
 * Appends the event in the caller's transaction and, once that transaction commits, raises the {@link OutboxSignal}
 * (a NOTIFY from outside the transaction; see there why). A rolled-back transaction raises nothing.
 */
public final class JdbiOutbox implements Outbox {
  private final JdbiUnitOfWork unitOfWork;
  private final Headers headers;
  private final Clock clock;
  private final OutboxSignal signal;

  public JdbiOutbox(JdbiUnitOfWork unitOfWork, ObjectMapper json, Clock clock, OutboxSignal signal) {
    this.unitOfWork = unitOfWork;
    this.headers = new Headers(json);
    this.clock = clock;
    this.signal = signal;
  }

  @Override
  public void publish(OutboxEvent event) {
    unitOfWork.write("Outbox.publish", """
            INSERT INTO outbox_event (event_id, event_type, event_key, payload, headers, created_at)
            VALUES (?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?)""",
        event.id(), event.type().value(), event.key(), event.payloadJson(), headers.write(event.headers()), clock.instant());
    unitOfWork.afterCommit("Outbox.publish", signal::committed);
  }
}
