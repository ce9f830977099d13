package dev.relaybox.adapters.backend;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One signed POST in the Standard Webhooks format: {@code webhook-id} (stable across retries), {@code webhook-timestamp}
 * (this attempt) and {@code webhook-signature}, computed by the com.standardwebhooks library over exactly the bytes
 * sent. Every outgoing webhook of Relaybox goes through here: webhook endpoints (the main backend among them), payment
 * callbacks and direct posts to the backend. Redirects are not followed.
 *
 * <p>With an {@link OutboundUrlGuard} the URL is checked again right before every send (DNS may answer differently
 * than when the URL was registered); a refused URL is an answer with status 0 that names the reason, never a request.
 *
 * <p>The timeout bounds the whole exchange: connecting, status, headers and the body. At most {@link #MAX_BODY_READ}
 * bytes of the body are read (the rest is cancelled), so a huge 2xx body is a success after its prefix; a body that
 * trickles and neither ends nor reaches that cap within the timeout is recorded as no answer (a failure to retry).
 */
final class SignedPost {
  private static final int MAX_SUMMARY = 200;
  /** Bytes of the receiver's body read at most; the rest is discarded unread. */
  static final int MAX_BODY_READ = 1024;

  record Answer(int status, String summary, Duration latency, Optional<Duration> retryAfter) {}

  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private final Optional<OutboundUrlGuard> guard;

  /** For URLs the operator configured, which may be private. */
  SignedPost(Duration timeout, Clock clock) {
    this(timeout, clock, Optional.empty());
  }

  /** {@code guard} re-checks the URL before every send; give one whenever URLs come from callers. */
  SignedPost(Duration timeout, Clock clock, Optional<OutboundUrlGuard> guard) {
    this.timeout = timeout;
    this.clock = clock;
    this.guard = guard;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  Answer post(URI url, Webhook signer, String webhookId, String body) {
    return post(url, List.of(signer), webhookId, body);
  }

  /** Signs with each signer; the signatures go space-separated into one {@code webhook-signature} (a secret rotation). */
  Answer post(URI url, List<Webhook> signers, String webhookId, String body) {
    if (guard.isPresent()) {
      try {
        guard.get().check(url.toString());
      } catch (OutboundUrlGuard.RefusedUrlException e) {
        return new Answer(0, "refused before sending: " + e.getMessage(), Duration.ZERO, Optional.empty());
      }
    }
    long started = System.nanoTime();
    long seconds = clock.instant().getEpochSecond();
    List<String> signatures = new ArrayList<>();
    for (Webhook signer : signers) {
      try {
        signatures.add(signer.sign(webhookId, seconds, body));
      } catch (WebhookSigningException e) {
        throw new IllegalStateException("cannot sign the webhook", e);
      }
    }
    String signature = String.join(" ", signatures);
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Relaybox")
        .header("webhook-id", webhookId)
        .header("webhook-timestamp", Long.toString(seconds))
        .header("webhook-signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, CappedBody.handler(MAX_BODY_READ));
    try {
      HttpResponse<String> response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      String text = response.body() == null ? "" : response.body().strip();
      String summary = response.statusCode() + (text.isEmpty() ? "" : " " + (text.length() > MAX_SUMMARY ? text.substring(0, MAX_SUMMARY) + "…" : text));
      return new Answer(response.statusCode(), summary, elapsed(started), retryAfter(response));
    } catch (TimeoutException e) {
      exchange.cancel(true);
      return noAnswerWithinTimeout(started);
    } catch (ExecutionException e) {
      return switch (e.getCause()) {
        case HttpTimeoutException t -> noAnswerWithinTimeout(started);
        case java.net.ConnectException c ->
            new Answer(0, "no answer: connection refused", elapsed(started), Optional.empty());
        default -> new Answer(0, "no answer: the connection failed", elapsed(started), Optional.empty());
      };
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      return new Answer(0, "interrupted", elapsed(started), Optional.empty());
    }
  }

  /** A 2xx whose body has not ended (nor reached the cap) within the timeout counts as no answer: the receiver may not have finished. */
  private Answer noAnswerWithinTimeout(long started) {
    return new Answer(0, "no complete answer within " + timeout.toMillis() + " ms", elapsed(started), Optional.empty());
  }

  static Webhook signer(String secret) {
    return signer(secret, "the signing secret");
  }

  /** @param settingName the variable the secret came from, named in configuration errors */
  static Webhook signer(String secret, String settingName) {
    if (secret == null || !secret.startsWith("whsec_")) {
      throw new IllegalArgumentException(settingName + " must be a Standard Webhooks secret starting with whsec_");
    }
    try {
      return new Webhook(secret);
    } catch (Exception e) {
      throw new IllegalArgumentException(settingName + " is not a valid whsec_ secret");
    }
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        long seconds = Long.parseLong(v.strip());
        return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(seconds, 86_400)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  private static Duration elapsed(long started) {
    return Duration.ofNanos(System.nanoTime() - started);
  }
}
