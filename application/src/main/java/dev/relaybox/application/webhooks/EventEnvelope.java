package dev.relaybox.application.webhooks;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The one shape of every event Relaybox sends out: {@code {id, type, occurredAt, key, correlationId, data}}. {@code id}
 * is the outbox event id (time-ordered, and the {@code webhook-id} of every attempt); {@code dataJson} is the event's
 * payload as published.
 */
public record EventEnvelope(UUID id, String type, Instant occurredAt, Optional<String> key, Optional<String> correlationId,
    String dataJson) {
  public EventEnvelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    key = key == null ? Optional.empty() : key;
    correlationId = correlationId == null ? Optional.empty() : correlationId;
    Objects.requireNonNull(dataJson, "dataJson");
  }
}
