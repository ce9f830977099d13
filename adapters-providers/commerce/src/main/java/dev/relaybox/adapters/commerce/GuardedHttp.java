package dev.relaybox.adapters.commerce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import dev.relaybox.application.order.port.out.DependencyUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * One dependency's HTTP calls, each behind a Failsafe timeout (which interrupts the call) inside a circuit breaker.
 * Transport errors, timeouts and 5xx count against the breaker; 2xx and 4xx are answers. While the breaker is open,
 * calls fail at once with {@link DependencyUnavailableException}, whose retry-after is the breaker's remaining delay.
 */
final class GuardedHttp {
  /** An answer: status and parsed JSON body ({@code MissingNode} when empty or not JSON). */
  record Answer(int status, JsonNode body) {}

  private static final class ServerFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ServerFailed(String message) {
      super(message, null, false, false);
    }
  }

  private final String dependency;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Duration timeout;
  private final CircuitBreaker<Answer> breaker;
  private final FailsafeExecutor<Answer> executor;

  GuardedHttp(String dependency, CommerceSettings.Limits limits, ObjectMapper json) {
    this.dependency = Objects.requireNonNull(dependency, "dependency");
    this.json = json;
    this.timeout = limits.timeout();
    this.http = HttpClient.newBuilder()
        .connectTimeout(limits.timeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.breaker = CircuitBreaker.<Answer>builder()
        .handle(IOException.class, ServerFailed.class, TimeoutExceededException.class)
        .withFailureThreshold(limits.breakerFailures(), limits.breakerWindow())
        .withDelay(limits.breakerDelay())
        .withSuccessThreshold(1)
        .build();
    Timeout<Answer> callTimeout = Timeout.<Answer>builder(limits.timeout()).withInterrupt().build();
    this.executor = Failsafe.with(breaker, callTimeout);
  }

  Answer get(URI uri) {
    return call(HttpRequest.newBuilder(uri).GET());
  }

  Answer post(URI uri, Object body) {
    try {
      return call(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  Answer delete(URI uri) {
    return call(HttpRequest.newBuilder(uri).DELETE());
  }

  /** {@code closed}, {@code open} or {@code half-open}, as the notification channels' circuits are named. */
  String state() {
    return breaker.getState().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private Answer call(HttpRequest.Builder request) {
    HttpRequest built = request.timeout(timeout).header("Accept", "application/json").header("User-Agent", "relaybox").build();
    try {
      return executor.get(() -> {
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 500) {
          throw new ServerFailed("answered " + response.statusCode());
        }
        return new Answer(response.statusCode(), parse(response.body()));
      });
    } catch (CircuitBreakerOpenException e) {
      throw unavailable("circuit open after repeated failures", breaker.getRemainingDelay());
    } catch (TimeoutExceededException e) {
      throw unavailable("no answer within " + timeout.toMillis() + " ms", Duration.ofSeconds(1));
    } catch (ServerFailed e) {
      throw unavailable(e.getMessage(), Duration.ofSeconds(1));
    } catch (FailsafeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (cause instanceof java.net.http.HttpTimeoutException) {
        // The request's own timeout, set to the same value, can fire before Failsafe's: the same "no answer".
        throw unavailable("no answer within " + timeout.toMillis() + " ms", Duration.ofSeconds(1));
      }
      throw unavailable(cause instanceof IOException ? "unreachable (" + cause.getClass().getSimpleName() + ")" : "call failed",
          Duration.ofSeconds(1));
    }
  }

  DependencyUnavailableException unexpected(Answer answer) {
    return unavailable("answered " + answer.status() + " unexpectedly", Duration.ofSeconds(5));
  }

  private DependencyUnavailableException unavailable(String reason, Duration retryAfter) {
    Duration wait = retryAfter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter;
    return new DependencyUnavailableException(dependency, reason, wait);
  }

  private JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return json.missingNode();
    }
    try {
      return json.readTree(body);
    } catch (IOException e) {
      return json.missingNode();
    }
  }
}
