package dev.relaybox.adapters.notify.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryAfter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * POSTs {@code {type:"assistance.requested", id, topic, description, metadata, requestedAt}} to one URL, signed in
 * the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> format: {@code webhook-id} is the request
 * id (the same on every retry, so the receiver can dedupe), {@code webhook-timestamp} the Unix seconds of this
 * attempt and {@code webhook-signature} {@code v1,<base64 HMAC-SHA256 of id.timestamp.body>}.
 *
 * <p>2xx → Done. 408, 429 (with {@code Retry-After}), 5xx, I/O errors and timeouts → Retry. 410 and every other 4xx
 * (and an unfollowed 3xx) → Fail: the receiver refuses, retrying will not help.
 */
public final class WebhookChannel implements NotificationChannel {

  public static final String NAME = "webhook";
  public static final String EVENT_TYPE = "assistance.requested";
  /** Reads the stored metadata's numbers exactly: as doubles, 0.1000000000000000055511 went out as 0.1. */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final int MAX_ERROR_CHARS = 200;
  private static final int MAX_ANSWER_BYTES = 4096;

  private final URI url;
  private final Webhook signer;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Clock clock;

  public WebhookChannel(URI url, Webhook signer, HttpClient http, Duration requestTimeout, Clock clock) {
    this.url = Objects.requireNonNull(url, "url");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.http = Objects.requireNonNull(http, "http");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A channel with its own HTTP client: no redirects, HTTP/1.1, the given connect timeout. */
  public static WebhookChannel create(URI url, Webhook signer, Duration connectTimeout, Duration requestTimeout,
      Clock clock) {
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    return new WebhookChannel(url, signer, http, requestTimeout, clock);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome send(Notification notification) {
    String id = notification.requestId().toString();
    String payload = payload(notification);
    long timestamp = clock.instant().getEpochSecond();
    String signature;
    try {
      signature = signer.sign(id, timestamp, payload);
    } catch (WebhookSigningException e) {
      // only when HmacSHA256 is missing or the key unusable: nothing a retry would change
      return Outcome.fail("webhook signing failed: " + e.getMessage());
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(url)
        .timeout(requestTimeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "relaybox")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
    if (!notification.traceparent().isEmpty()) {
      builder.header("traceparent", notification.traceparent());
    }
    HttpRequest request = builder.build();
    HttpResponse<InputStream> response;
    String body;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      body = firstBytes(response.body());
    } catch (HttpTimeoutException e) {
      return Outcome.retry("webhook timed out: " + e.getMessage());
    } catch (IOException e) {
      return Outcome.retry("webhook unreachable: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retry("webhook call interrupted");
    }
    return outcomeOf(response, body);
  }

  private Outcome outcomeOf(HttpResponse<?> response, String answer) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return Outcome.done();
    }
    String body = abbreviate(answer);
    String said = "webhook " + status + (body.isEmpty() ? "" : ": " + body);
    if (status == 429 || status == 408 || status >= 500) {
      return new Outcome.Retry(RetryAfter.parse(response.headers().firstValue("Retry-After"), clock), said);
    }
    return Outcome.fail(status == 410 ? "webhook gone (410): the receiver unsubscribed" : "webhook rejected " + said);
  }

  /** The body, serialised once per attempt; the signature covers exactly these bytes. */
  static String payload(Notification n) {
    ObjectNode body = JSON.createObjectNode()
        .put("type", EVENT_TYPE)
        .put("id", n.requestId().toString())
        .put("topic", n.topic())
        .put("description", n.description());
    body.set("metadata", metadata(n.metadataJson()));
    body.put("requestedAt", n.requestedAt().toString());
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The metadata as JSON when it is JSON (it should be), else as a string rather than losing it. */
  private static JsonNode metadata(String metadataJson) {
    try {
      return JSON.readTree(metadataJson);
    } catch (JsonProcessingException e) {
      return JSON.getNodeFactory().textNode(metadataJson);
    }
  }

  /**
   * The start of the answer only: it is read for a log line or an error message, and a receiver (or a proxy in front of
   * it) that streams a huge or endless body must cost neither memory nor the attempt's whole timeout.
   */
  private static String firstBytes(InputStream body) throws IOException {
    try (body) {
      return new String(body.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
    }
  }

  private static String abbreviate(String body) {
    if (body == null) {
      return "";
    }
    String trimmed = body.strip();
    return trimmed.length() <= MAX_ERROR_CHARS ? trimmed : trimmed.substring(0, MAX_ERROR_CHARS) + "…";
  }
}
