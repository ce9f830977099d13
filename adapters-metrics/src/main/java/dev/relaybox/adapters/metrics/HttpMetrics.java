package dev.relaybox.adapters.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code http_server_requests_seconds{method,route,status}}: a latency histogram whose count is the request rate.
 * {@code route} must be the matched route pattern ({@code /v1/assistance-requests/{id}}), never the raw path, so the
 * number of series stays bounded; unmatched paths share one label. Methods outside the standard set share
 * {@code OTHER} and statuses outside 100-599 share {@code 0}: every label comes from a fixed, small set, so made-up
 * methods or paths cannot grow {@code /metrics}.
 */
public final class HttpMetrics {
  public static final String UNMATCHED = "UNMATCHED";
  public static final String OTHER_METHOD = "OTHER";
  private static final java.util.Set<String> METHODS =
      java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String method, String route, int status, Duration elapsed) {
    Timer.builder("http.server.requests")
        .description("HTTP requests by method, route pattern and status")
        .tags("method", METHODS.contains(method) ? method : OTHER_METHOD,
            "route", route == null || route.isBlank() ? UNMATCHED : route,
            "status", status >= 100 && status <= 599 ? Integer.toString(status) : "0")
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(elapsed);
  }
}
