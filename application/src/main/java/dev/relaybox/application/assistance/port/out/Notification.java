package dev.relaybox.application.assistance.port.out;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What a channel delivers: one assistance request. {@code description} and {@code metadataJson} come from the bot
 * unfiltered, so every channel must escape them for its own format. {@code requestId} is stable across retries and
 * is the channel's idempotency or message id where it has one. {@code traceparent} is the W3C trace context to send
 * on outgoing HTTP calls (empty when unknown). {@code sendBefore} is the latest moment the call may start: the lease
 * of the job that sends it, after which another node may have sent it already ({@link Instant#MAX} when unbounded).
 */
public record Notification(UUID requestId, String topic, String description, String metadataJson, Instant requestedAt,
    String correlationId, String traceparent, Instant sendBefore) {
  public Notification {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(requestedAt, "requestedAt");
    metadataJson = metadataJson == null ? "{}" : metadataJson;
    correlationId = correlationId == null ? "" : correlationId;
    traceparent = traceparent == null ? "" : traceparent;
    sendBefore = sendBefore == null ? Instant.MAX : sendBefore;
  }

  public Notification(UUID requestId, String topic, String description, String metadataJson, Instant requestedAt,
      String correlationId, String traceparent) {
    this(requestId, topic, description, metadataJson, requestedAt, correlationId, traceparent, Instant.MAX);
  }

  public Notification(UUID requestId, String topic, String description, String metadataJson, Instant requestedAt,
      String correlationId) {
    this(requestId, topic, description, metadataJson, requestedAt, correlationId, "");
  }
}
