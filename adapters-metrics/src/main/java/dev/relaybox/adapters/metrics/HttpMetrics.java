package dev.relaybox.adapters.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code http_server_requests_seconds{method,route,status}}: a latency histogram whose count is the request rate.
 * {@code route} must be the matched route pattern ({@code /v1/assistance-requests/{id}}), never the raw path, so the
 * number of series stays bounded; unmatched paths share one label.
 */
public final class HttpMetrics {
  public static final String UNMATCHED = "UNMATCHED";

  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String method, String route, int status, Duration elapsed) {
    Timer.builder("http.server.requests")
        .description("HTTP requests by method, route pattern and status")
        .tags("method", method, "route", route == null || route.isBlank() ? UNMATCHED : route, "status", Integer.toString(status))
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(elapsed);
  }
}
