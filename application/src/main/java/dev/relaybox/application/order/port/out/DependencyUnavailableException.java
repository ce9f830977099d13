package dev.relaybox.application.order.port.out;

import java.time.Duration;
import java.util.Objects;

/**
 * A dependency did not give a usable answer in time: it timed out, failed, answered something unexpected, or its
 * circuit is open. The caller cannot know whether the call took effect; {@code retryAfter} is a fair wait.
 */
public final class DependencyUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String dependency;
  private final transient Duration retryAfter;

  public DependencyUnavailableException(String dependency, String reason, Duration retryAfter) {
    super(dependency + " unavailable: " + reason, null, false, false);
    this.dependency = Objects.requireNonNull(dependency, "dependency");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  public String dependency() {
    return dependency;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
