package dev.relaybox.application.webhooks.port.out;

import dev.relaybox.application.webhooks.EventEnvelope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Events still kept in the outbox (within retention), oldest first, for replays. */
public interface EventHistory {

  /** Up to {@code limit} events created at or after {@code since}, after position {@code after} (0 to start). */
  List<Stored> since(Instant since, long after, int limit);

  /** When the event was published, while it is kept. */
  Optional<Instant> occurredAt(UUID eventId);

  record Stored(long position, EventEnvelope envelope) {}
}
