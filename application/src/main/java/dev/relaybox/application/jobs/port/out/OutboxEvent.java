package dev.relaybox.application.jobs.port.out;

import dev.relaybox.domain.shared.EventType;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to fan out after commit. {@code key} orders events for FIFO subscriptions and may be null;
 * {@code payloadJson} is a JSON document; headers carry the correlation id and similar metadata.
 */
public record OutboxEvent(UUID id, EventType type, String key, String payloadJson, Map<String, String> headers) {
  /** The header that carries the request id (or traceparent) of the call that caused the event into its jobs' logs. */
  public static final String CORRELATION_HEADER = "correlationId";
  /** The W3C {@code traceparent} of the call that caused the event; its jobs log its trace id and pass it on. */
  public static final String TRACEPARENT_HEADER = "traceparent";

  public OutboxEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payloadJson, "payloadJson");
    headers = Map.copyOf(headers == null ? Map.of() : headers);
  }
}
