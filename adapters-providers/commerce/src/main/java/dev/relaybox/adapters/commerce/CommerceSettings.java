package dev.relaybox.adapters.commerce;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** Where the three commerce dependencies live, and the limits around every call to them. */
public record CommerceSettings(URI customersUrl, URI inventoryUrl, URI authorizationsUrl, Limits limits) {
  public CommerceSettings {
    Objects.requireNonNull(customersUrl, "customersUrl");
    Objects.requireNonNull(inventoryUrl, "inventoryUrl");
    Objects.requireNonNull(authorizationsUrl, "authorizationsUrl");
    Objects.requireNonNull(limits, "limits");
  }

  /**
   * {@code timeout} bounds each call; the breaker opens after {@code breakerFailures} failures among the last
   * {@code breakerWindow} calls and lets a trial call through after {@code breakerDelay}.
   */
  public record Limits(Duration timeout, int breakerFailures, int breakerWindow, Duration breakerDelay) {
    public Limits {
      if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
      if (breakerFailures < 1 || breakerWindow < breakerFailures) {
        throw new IllegalArgumentException("breaker needs 1 <= failures <= window");
      }
      if (breakerDelay.isNegative()) throw new IllegalArgumentException("breaker delay must not be negative");
    }

    public static Limits defaults() {
      return new Limits(Duration.ofSeconds(3), 5, 10, Duration.ofSeconds(30));
    }
  }
}
