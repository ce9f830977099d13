package dev.relaybox.adapters.http.shared;

import java.time.Duration;

/**
 * Where the server listens, the largest body it reads, how long shutdown waits for in-flight requests, and how many
 * requests may be in flight before new ones are turned away with 503 (virtual threads would otherwise queue without
 * bound until the heap runs out).
 */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration drainTimeout, int maxInFlight) {
  public HttpSettings {
    if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be positive");
    if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0-65535");
    if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be positive");
  }
}
