package dev.relaybox.domain.assistance;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A request for human help and where its delivery stands: which channel of the route it is on
 * ({@code routeIndex}), how many sends that channel has had, and the total.
 */
public record AssistanceRequest(
    UUID id,
    Topic topic,
    Description description,
    String metadataJson,
    AssistanceStatus status,
    Optional<String> channel,
    int attempts,
    int routeIndex,
    int channelAttempts,
    Instant createdAt,
    Optional<Instant> deliveredAt,
    Optional<String> lastError,
    String correlationId) {

  public AssistanceRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    metadataJson = metadataJson == null ? "{}" : metadataJson;
    channel = channel == null ? Optional.empty() : channel;
    deliveredAt = deliveredAt == null ? Optional.empty() : deliveredAt;
    lastError = lastError == null ? Optional.empty() : lastError;
    correlationId = correlationId == null ? "" : correlationId;
  }

  public static AssistanceRequest received(UUID id, Topic topic, Description description, String metadataJson,
      Instant at, String correlationId) {
    return new AssistanceRequest(id, topic, description, metadataJson, AssistanceStatus.PENDING, Optional.empty(), 0, 0, 0,
        at, Optional.empty(), Optional.empty(), correlationId);
  }

  public boolean isDelivered() {
    return status == AssistanceStatus.DELIVERED;
  }

  public boolean isFailed() {
    return status == AssistanceStatus.FAILED;
  }
}
