package dev.relaybox.adapters.http.shared;

import java.time.Duration;

/**
 * Told about every finished request, for metrics. {@code route} is the matched route pattern (for example
 * {@code /admin/jobs/{id}}), or empty when no route matched, so that labels stay bounded.
 */
@FunctionalInterface
public interface RequestObserver {
  RequestObserver NONE = (method, route, status, elapsed) -> {};

  void finished(String method, String route, int status, Duration elapsed);
}
