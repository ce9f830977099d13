package dev.relaybox.adapters.backend;

import com.standardwebhooks.Webhook;
import dev.relaybox.application.purchase.port.out.BackendWebhook;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * POSTs a body to the main backend through the shared {@link SignedPost} ({@code webhook-id} = the event id, the same
 * on every retry). Purchase events reach the backend as a webhook endpoint ({@link StandardWebhooksSender}); this
 * port stays for callers that post to the backend directly.
 */
public final class StandardWebhooksBackend implements BackendWebhook {
  private final Optional<URI> url;
  private final Optional<Webhook> signer;
  private final SignedPost post;

  public StandardWebhooksBackend(Optional<URI> url, Optional<String> secret, Duration timeout) {
    if (url.isPresent() && secret.isEmpty()) {
      throw new IllegalArgumentException("RELAYBOX_BACKEND_WEBHOOK_SECRET is required with RELAYBOX_BACKEND_WEBHOOK_URL");
    }
    try {
      this.signer = secret.map(SignedPost::signer);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("RELAYBOX_BACKEND_WEBHOOK_SECRET must be a Standard Webhooks secret starting with whsec_");
    }
    this.url = url;
    this.post = new SignedPost(timeout, Clock.systemUTC());
  }

  @Override
  public boolean configured() {
    return url.isPresent();
  }

  @Override
  public Delivery post(UUID eventId, String eventType, Instant timestamp, String payloadJson) {
    SignedPost.Answer answer = post.post(url.orElseThrow(), signer.orElseThrow(), eventId.toString(), payloadJson);
    return new Delivery(answer.status(), answer.summary(), answer.latency(), answer.retryAfter());
  }
}
