package dev.relaybox.adapters.backend;

import dev.relaybox.application.purchase.port.out.BackendWebhook;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * POSTs events to the main backend through the shared {@link StandardWebhooksSender}: {@code webhook-id} is the event
 * id, the same on every retry. The body is the event's JSON as published.
 */
public final class StandardWebhooksBackend implements BackendWebhook {
  private final Optional<URI> url;
  private final Optional<StandardWebhooksSender> sender;

  public StandardWebhooksBackend(Optional<URI> url, Optional<String> secret, Duration timeout) {
    if (url.isPresent() && secret.isEmpty()) {
      throw new IllegalArgumentException("RELAYBOX_BACKEND_WEBHOOK_SECRET is required with RELAYBOX_BACKEND_WEBHOOK_URL");
    }
    this.url = url;
    this.sender = secret.map(s -> new StandardWebhooksSender(s, "RELAYBOX_BACKEND_WEBHOOK_SECRET", timeout));
  }

  @Override
  public boolean configured() {
    return url.isPresent();
  }

  @Override
  public Delivery post(UUID eventId, String eventType, Instant timestamp, String payloadJson) {
    StandardWebhooksSender.Sent sent = sender.orElseThrow().post(url.orElseThrow(), eventId.toString(), payloadJson);
    return new Delivery(sent.status(), sent.summary(), sent.latency(), sent.retryAfter());
  }
}
