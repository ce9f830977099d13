package dev.relaybox.adapters.backend;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one outbound Standard Webhooks delivery: POSTs a JSON body with {@code webhook-id} (stable across retries, so the
 * receiver can deduplicate), {@code webhook-timestamp} and {@code webhook-signature} (HMAC-SHA256 with the
 * {@code whsec_} secret, computed by the com.standardwebhooks library). Redirects are not followed.
 */
public final class StandardWebhooksSender {
  private final Webhook signer;
  private final HttpClient http;
  private final Duration timeout;

  /** @param settingName the variable the secret came from, named in configuration errors */
  public StandardWebhooksSender(String secret, String settingName, Duration timeout) {
    if (!secret.startsWith("whsec_")) {
      throw new IllegalArgumentException(settingName + " must be a Standard Webhooks secret starting with whsec_");
    }
    try {
      this.signer = new Webhook(secret);
    } catch (Exception e) {
      throw new IllegalArgumentException(settingName + " is not a valid whsec_ secret");
    }
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** {@code status} is 0 when no HTTP answer came back. */
  public record Sent(int status, String summary, Duration latency, Optional<Duration> retryAfter) {}

  public Sent post(URI url, String webhookId, String payloadJson) {
    long started = System.nanoTime();
    long seconds = Instant.now().getEpochSecond();
    try {
      String signature = signer.sign(webhookId, seconds, payloadJson);
      HttpRequest request = HttpRequest.newBuilder(url)
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .header("User-Agent", "Relaybox")
          .header("webhook-id", webhookId)
          .header("webhook-timestamp", Long.toString(seconds))
          .header("webhook-signature", signature)
          .POST(HttpRequest.BodyPublishers.ofString(payloadJson, StandardCharsets.UTF_8))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      String body = response.body() == null ? "" : response.body();
      String summary = response.statusCode() + (body.isBlank() ? "" : " " + (body.length() > 200 ? body.substring(0, 200) + "…" : body));
      return new Sent(response.statusCode(), summary, elapsed(started), retryAfter(response));
    } catch (WebhookSigningException e) {
      throw new IllegalStateException("cannot sign the webhook", e);
    } catch (IOException e) {
      return new Sent(0, "no answer: " + (e instanceof java.net.http.HttpTimeoutException ? "timed out"
          : e instanceof java.net.ConnectException ? "connection refused" : "the connection failed"), elapsed(started), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Sent(0, "interrupted", elapsed(started), Optional.empty());
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
