package dev.relaybox.adapters.notify.slack;

import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryAfter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts to a Slack incoming webhook. 200 is delivered; 429 and 5xx are retried (honouring {@code Retry-After});
 * 400/403/404/410 and any other 4xx mean the webhook is broken, so they fail with Slack's error text
 * (e.g. {@code no_service}). Network errors and timeouts are retried. The webhook URL is a secret: it is never
 * logged nor put in an outcome.
 */
public final class SlackChannel implements NotificationChannel {

  public static final String NAME = "slack";
  private static final Logger log = LoggerFactory.getLogger(SlackChannel.class);
  private static final int MAX_ERROR_CHARS = 200;
  private static final int MAX_ANSWER_BYTES = 4096;

  private final URI webhookUrl;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Clock clock;

  public SlackChannel(URI webhookUrl, HttpClient http, Duration requestTimeout, Clock clock) {
    this.webhookUrl = Objects.requireNonNull(webhookUrl, "webhookUrl");
    this.http = Objects.requireNonNull(http, "http");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A channel with its own HTTP client: no redirects, HTTP/1.1, the given connect timeout. The client completes each
   * exchange on its selector thread instead of handing the response to a worker pool and then to the caller: nothing
   * that blocks runs there (a string body, a blocking {@code send}), and each hand-off is a context switch per send
   * (measured: a quarter of the jar's CPU per delivered request, see docs/benchmarks.md).
   */
  public static SlackChannel create(URI webhookUrl, Duration connectTimeout, Duration requestTimeout, Clock clock) {
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .executor(Runnable::run)
        .build();
    return new SlackChannel(webhookUrl, http, requestTimeout, clock);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome send(Notification notification) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(webhookUrl)
        .timeout(requestTimeout)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("User-Agent", "relaybox")
        .POST(HttpRequest.BodyPublishers.ofByteArray(SlackMessage.json(notification)));
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
      return Outcome.retry("slack timed out: " + e.getMessage());
    } catch (IOException e) {
      return Outcome.retry("slack unreachable: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retry("slack call interrupted");
    }
    return outcomeOf(response, body);
  }

  private Outcome outcomeOf(HttpResponse<?> response, String answer) {
    int status = response.statusCode();
    String body = abbreviate(answer);
    if (status >= 200 && status < 300) {
      if (!"ok".equals(body)) {
        log.warn("Slack answered {} with an unexpected body: {}", status, body);
      }
      return Outcome.done();
    }
    if (status == 429) {
      return new Outcome.Retry(RetryAfter.parse(response.headers().firstValue("Retry-After"), clock),
          "slack rate limit (429)");
    }
    if (status >= 500) {
      return Outcome.retry("slack " + status + (body.isEmpty() ? "" : ": " + body));
    }
    // 400 invalid_payload, 403 action_prohibited/invalid_token, 404 no_service/channel_not_found,
    // 410 channel_is_archived, and anything else: the webhook or the message is wrong, retrying will not help.
    return Outcome.fail("slack rejected " + status + (body.isEmpty() ? "" : ": " + body));
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
