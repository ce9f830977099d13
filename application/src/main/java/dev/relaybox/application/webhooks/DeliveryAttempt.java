package dev.relaybox.application.webhooks;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** One POST of one event to one endpoint: the answer's status (0 when none came), a summary and the latency. */
public record DeliveryAttempt(UUID id, UUID endpointId, UUID eventId, String eventType, Optional<String> eventKey, int attempt,
    int status, boolean succeeded, String summary, long latencyMillis, Instant at) {
  public DeliveryAttempt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventType, "eventType");
    eventKey = eventKey == null ? Optional.empty() : eventKey;
    summary = summary == null ? "" : summary;
    Objects.requireNonNull(at, "at");
  }
}
