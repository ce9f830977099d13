package dev.relaybox.application.webhooks;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery job of one event to one endpoint. It carries the envelope's fields as headers and the event's data as
 * payload. Its key is the endpoint and the event key, so the engine's FIFO keeps each key's events in order per
 * endpoint without one endpoint holding up another; its dedupe key makes a second enqueue a no-op while one waits.
 */
final class WebhookJobs {
  static final String DELIVERY_SUBSCRIPTION = "webhooks.delivery";
  static final String ENDPOINT = "endpointId";
  static final String EVENT_ID = "eventId";
  static final String EVENT_TYPE = "eventType";
  static final String OCCURRED_AT = "occurredAt";
  static final String EVENT_KEY = "eventKey";

  private WebhookJobs() {}

  static String keyPrefix(UUID endpointId) {
    return endpointId + "|";
  }

  static EnqueueJob delivery(UUID endpointId, EventEnvelope e) {
    Map<String, String> headers = new HashMap<>();
    headers.put(ENDPOINT, endpointId.toString());
    headers.put(EVENT_ID, e.id().toString());
    headers.put(EVENT_TYPE, e.type());
    headers.put(OCCURRED_AT, e.occurredAt().toString());
    e.key().ifPresent(k -> headers.put(EVENT_KEY, k));
    e.correlationId().ifPresent(c -> headers.put(OutboxEvent.CORRELATION_HEADER, c));
    return EnqueueJob.of(DELIVERY_SUBSCRIPTION, e.dataJson())
        .key(keyPrefix(endpointId) + e.key().orElse(e.id().toString()))
        .dedupeKey(keyPrefix(endpointId) + e.id())
        .headers(headers);
  }

  static UUID endpointOf(ClaimedJob job) {
    return UUID.fromString(job.header(ENDPOINT).orElseThrow(() -> new IllegalArgumentException("job " + job.id() + " names no endpoint")));
  }

  static EventEnvelope envelopeOf(ClaimedJob job) {
    return new EventEnvelope(UUID.fromString(job.header(EVENT_ID).orElseThrow()), job.header(EVENT_TYPE).orElseThrow(),
        Instant.parse(job.header(OCCURRED_AT).orElseThrow()), job.header(EVENT_KEY), job.header(OutboxEvent.CORRELATION_HEADER),
        job.payloadJson());
  }

  /** The envelope of an outbox event as the relay handed it to a subscription's job. */
  static EventEnvelope envelopeOfEvent(ClaimedJob job) {
    return new EventEnvelope(job.eventId().orElseThrow(() -> new IllegalArgumentException("job " + job.id() + " carries no event")),
        job.eventType().orElseThrow(), job.createdAt(), job.key(), job.header(OutboxEvent.CORRELATION_HEADER), job.payloadJson());
  }

  static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
