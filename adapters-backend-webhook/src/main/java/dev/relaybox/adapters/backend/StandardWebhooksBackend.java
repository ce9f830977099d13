package dev.relaybox.adapters.backend;

import dev.relaybox.application.purchase.port.out.BackendWebhook;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * POSTs events to the main backend through the shared {@link StandardWebhooksSender}: {@code webhook-id} is the event
 * id, the same on every retry. The body is the event's JSON as published.
 *
 * <p>When the URL came from a caller rather than the operator, construct it with an {@link OutboundUrlGuard}: the URL
 * is checked again right before every send (DNS may answer differently than when it was registered), and a refused
 * URL is a delivery with status 0 that names the reason, never a request.
 */
public final class StandardWebhooksBackend implements BackendWebhook {
  private final Optional<URI> url;
  private final Optional<StandardWebhooksSender> sender;
  private final Optional<OutboundUrlGuard> guard;

  /** For an operator's URL ({@code RELAYBOX_BACKEND_WEBHOOK_URL}), which may be private. */
  public StandardWebhooksBackend(Optional<URI> url, Optional<String> secret, Duration timeout) {
    this(url, secret, timeout, Optional.empty());
  }

  /** {@code guard} re-checks the URL before every send; give one whenever the URL came from a caller. */
  public StandardWebhooksBackend(Optional<URI> url, Optional<String> secret, Duration timeout, Optional<OutboundUrlGuard> guard) {
    if (url.isPresent() && secret.isEmpty()) {
      throw new IllegalArgumentException("RELAYBOX_BACKEND_WEBHOOK_SECRET is required with RELAYBOX_BACKEND_WEBHOOK_URL");
    }
    this.url = url;
    this.sender = secret.map(s -> new StandardWebhooksSender(s, "RELAYBOX_BACKEND_WEBHOOK_SECRET", timeout));
    this.guard = guard;
  }

  @Override
  public boolean configured() {
    return url.isPresent();
  }

  @Override
  public Delivery post(UUID eventId, String eventType, Instant timestamp, String payloadJson) {
    if (guard.isPresent()) {
      try {
        guard.get().check(url.orElseThrow().toString());
      } catch (OutboundUrlGuard.RefusedUrlException e) {
        return new Delivery(0, "refused before sending: " + e.getMessage(), Duration.ZERO, Optional.empty());
      }
    }
    StandardWebhooksSender.Sent sent = sender.orElseThrow().post(url.orElseThrow(), eventId.toString(), payloadJson);
    return new Delivery(sent.status(), sent.summary(), sent.latency(), sent.retryAfter());
  }
}
