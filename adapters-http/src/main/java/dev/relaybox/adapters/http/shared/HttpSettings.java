package dev.relaybox.adapters.http.shared;

import java.time.Duration;

/** Where the server listens, the largest body it reads, and how long shutdown waits for in-flight requests. */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration drainTimeout) {
  public HttpSettings {
    if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0-65535");
    if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be positive");
  }
}
