package dev.relaybox.adapters.backend;

import com.standardwebhooks.Webhook;
import dev.relaybox.application.purchase.port.out.BackendWebhook;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
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
 *
 * <p>When the URL came from a caller rather than the operator, construct it with an {@link OutboundUrlGuard}: the URL
 * is checked again right before every send, and a refused URL is a delivery with status 0 that names the reason.
 */
public final class StandardWebhooksBackend implements BackendWebhook {
  private final Optional<URI> url;
  private final Optional<Webhook> signer;
  private final SignedPost post;

  /** For an operator's URL ({@code RELAYBOX_BACKEND_WEBHOOK_URL}), which may be private. */
  public StandardWebhooksBackend(Optional<URI> url, Optional<String> secret, Duration timeout) {
    this(url, secret, timeout, Optional.empty());
  }

  /** {@code guard} re-checks the URL before every send; give one whenever the URL came from a caller. */
  public StandardWebhooksBackend(Optional<URI> url, Optional<String> secret, Duration timeout, Optional<OutboundUrlGuard> guard) {
    if (url.isPresent() && secret.isEmpty()) {
      throw new IllegalArgumentException("RELAYBOX_BACKEND_WEBHOOK_SECRET is required with RELAYBOX_BACKEND_WEBHOOK_URL");
    }
    this.signer = secret.map(s -> SignedPost.signer(s, "RELAYBOX_BACKEND_WEBHOOK_SECRET"));
    this.url = url;
    this.post = new SignedPost(timeout, Clock.systemUTC(), guard);
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
