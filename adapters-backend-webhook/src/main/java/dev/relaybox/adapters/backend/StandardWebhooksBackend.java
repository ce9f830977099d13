package dev.relaybox.adapters.backend;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import dev.relaybox.application.purchase.port.out.BackendWebhook;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * POSTs events to the main backend with the Standard Webhooks headers {@code webhook-id} (the event id, the same on
 * every retry), {@code webhook-timestamp} and {@code webhook-signature} (HMAC-SHA256 with the {@code whsec_} secret,
 * computed by the com.standardwebhooks library). The body is the event's JSON as published.
 *
 * <p>When the URL came from a caller rather than the operator, construct it with an {@link OutboundUrlGuard}: the URL
 * is checked again right before every send (DNS may answer differently than when it was registered), and a refused
 * URL is a delivery with status 0 that names the reason, never a request.
 */
public final class StandardWebhooksBackend implements BackendWebhook {
  private final Optional<URI> url;
  private final Optional<Webhook> signer;
  private final HttpClient http;
  private final Duration timeout;
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
    if (secret.isPresent() && !secret.get().startsWith("whsec_")) {
      throw new IllegalArgumentException("RELAYBOX_BACKEND_WEBHOOK_SECRET must be a Standard Webhooks secret starting with whsec_");
    }
    this.url = url;
    try {
      this.signer = secret.map(s -> {
        try {
          return new Webhook(s);
        } catch (Exception e) {
          throw new IllegalArgumentException("RELAYBOX_BACKEND_WEBHOOK_SECRET is not a valid whsec_ secret");
        }
      });
    } catch (IllegalArgumentException e) {
      throw e;
    }
    this.timeout = timeout;
    this.guard = guard;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public boolean configured() {
    return url.isPresent();
  }

  @Override
  public Delivery post(UUID eventId, String eventType, Instant timestamp, String payloadJson) {
    long started = System.nanoTime();
    String id = eventId.toString();
    long seconds = Instant.now().getEpochSecond();
    if (guard.isPresent()) {
      try {
        guard.get().check(url.orElseThrow().toString());
      } catch (OutboundUrlGuard.RefusedUrlException e) {
        return new Delivery(0, "refused before sending: " + e.getMessage(), elapsed(started), Optional.empty());
      }
    }
    try {
      String signature = signer.orElseThrow().sign(id, seconds, payloadJson);
      HttpRequest request = HttpRequest.newBuilder(url.orElseThrow())
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .header("User-Agent", "Relaybox")
          .header("webhook-id", id)
          .header("webhook-timestamp", Long.toString(seconds))
          .header("webhook-signature", signature)
          .POST(HttpRequest.BodyPublishers.ofString(payloadJson, StandardCharsets.UTF_8))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      String body = response.body() == null ? "" : response.body();
      String summary = response.statusCode() + (body.isBlank() ? "" : " " + (body.length() > 200 ? body.substring(0, 200) + "…" : body));
      return new Delivery(response.statusCode(), summary, elapsed(started), retryAfter(response));
    } catch (WebhookSigningException e) {
      throw new IllegalStateException("cannot sign the webhook", e);
    } catch (IOException e) {
      return new Delivery(0, "no answer: " + (e instanceof java.net.http.HttpTimeoutException ? "timed out"
          : e instanceof java.net.ConnectException ? "connection refused" : "the connection failed"), elapsed(started), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Delivery(0, "interrupted", elapsed(started), Optional.empty());
    }
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v.strip())));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  private static Duration elapsed(long started) {
    return Duration.ofNanos(System.nanoTime() - started);
  }
}
