package dev.relaybox.adapters.http.shared;

import java.time.Duration;

/**
 * Where the server listens, the largest body it reads, how long shutdown waits for in-flight requests, and how many
 * requests may be in flight before new ones are turned away with 503 (virtual threads would otherwise queue without
 * bound until the heap runs out). Abuse limits: the whole request (headers and body) must arrive within
 * {@code requestDeadline} and a body must keep up {@code minBytesPerSecond} after its first two seconds; one client
 * address may hold at most {@code maxConnectionsPerAddress} connections and {@code maxInFlightPerAddress} requests in
 * flight, and the node at most {@code maxConnections} (past that it stops accepting until one closes, so many
 * addresses together cannot take the file descriptors its database and outbound calls need). On close,
 * readiness answers 503 with the listener open for {@code readinessDelay} before the drain begins.
 */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration drainTimeout, int maxInFlight,
    Duration requestDeadline, long minBytesPerSecond, int maxConnectionsPerAddress, int maxInFlightPerAddress,
    Duration readinessDelay, int maxConnections) {

  public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(10);
  public static final long DEFAULT_MIN_BYTES_PER_SECOND = 1_024;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_024;

  public HttpSettings {
    if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be positive");
    if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0-65535");
    if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be positive");
    if (requestDeadline.isNegative() || requestDeadline.isZero()) throw new IllegalArgumentException("requestDeadline must be positive");
    if (minBytesPerSecond < 0) throw new IllegalArgumentException("minBytesPerSecond must not be negative");
    if (maxConnectionsPerAddress < 1) throw new IllegalArgumentException("maxConnectionsPerAddress must be positive");
    if (maxInFlightPerAddress < 1) throw new IllegalArgumentException("maxInFlightPerAddress must be positive");
    if (readinessDelay.isNegative()) throw new IllegalArgumentException("readinessDelay must not be negative");
    if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be positive");
  }

  /**
   * The node-wide default: half the process's open-file limit (the other half for the pool, outbound calls and the
   * JVM's own files), at most 10,000.
   */
  public static int defaultMaxConnections() {
    long files = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : 20_000;
    return (int) Math.max(1, Math.min(10_000, files / 2));
  }

  /** The node-wide connection limit at its default. */
  public HttpSettings(String host, int port, long maxBodyBytes, Duration drainTimeout, int maxInFlight,
      Duration requestDeadline, long minBytesPerSecond, int maxConnectionsPerAddress, int maxInFlightPerAddress,
      Duration readinessDelay) {
    this(host, port, maxBodyBytes, drainTimeout, maxInFlight, requestDeadline, minBytesPerSecond, maxConnectionsPerAddress,
        maxInFlightPerAddress, readinessDelay, defaultMaxConnections());
  }

  /** No readiness delay on close. */
  public HttpSettings(String host, int port, long maxBodyBytes, Duration drainTimeout, int maxInFlight,
      Duration requestDeadline, long minBytesPerSecond, int maxConnectionsPerAddress, int maxInFlightPerAddress) {
    this(host, port, maxBodyBytes, drainTimeout, maxInFlight, requestDeadline, minBytesPerSecond, maxConnectionsPerAddress,
        maxInFlightPerAddress, Duration.ZERO);
  }

  /** The abuse limits at their defaults; one client address may use every in-flight slot. */
  public HttpSettings(String host, int port, long maxBodyBytes, Duration drainTimeout, int maxInFlight) {
    this(host, port, maxBodyBytes, drainTimeout, maxInFlight, DEFAULT_REQUEST_DEADLINE, DEFAULT_MIN_BYTES_PER_SECOND,
        DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, maxInFlight);
  }
}
