package dev.relaybox.bootstrap;

import dev.relaybox.adapters.http.shared.ApiKeyAuthenticator;
import dev.relaybox.adapters.http.shared.HttpSettings;
import java.time.Duration;
import java.util.Map;

/**
 * The settings that keep one client from hurting the others: request deadline and minimum data rate, connections and
 * requests in flight per client address, the request rate per API key, failed key attempts per address, how often
 * other nodes' key changes are picked up, and whether caller-supplied URLs may point at private addresses.
 */
record AbuseLimits(Duration requestDeadline, long minBytesPerSecond, int maxConnections, int maxConnectionsPerAddress,
    int maxInFlightPerAddress, int apiRate, int apiBurst, int authFailuresPerMinute, Duration keyRefresh,
    boolean allowPrivateUrls) {

  /**
   * A key's default burst, in seconds of its rate. A node that stalls (a GC pause, a starved CPU) works through the
   * requests that queued meanwhile all at once; with two seconds' worth, steady clients got 429s after stalls of two to
   * three seconds in the cluster kit's rolling restarts (docs/deployment.md). The sustained rate still holds.
   */
  static final int DEFAULT_BURST_SECONDS = 5;
  static final Duration MIN_KEY_REFRESH = Duration.ofMillis(100);

  static AbuseLimits from(Map<String, String> environment, int maxInFlight) {
    Env env = new Env(environment);
    Duration deadline = env.duration("RELAYBOX_HTTP_REQUEST_DEADLINE", HttpSettings.DEFAULT_REQUEST_DEADLINE);
    if (deadline.isZero()) {
      throw new ConfigException("RELAYBOX_HTTP_REQUEST_DEADLINE must be greater than zero");
    }
    Duration refresh = env.duration("RELAYBOX_KEY_REFRESH", Duration.ofSeconds(5));
    // Each refresh reads every key and writes their last uses: a few milliseconds' interval made one idle node commit
    // hundreds of times a second. Changes reach other nodes at once through NOTIFY; this is only the fallback.
    if (refresh.compareTo(MIN_KEY_REFRESH) < 0) {
      throw new ConfigException("RELAYBOX_KEY_REFRESH must be at least " + MIN_KEY_REFRESH.toMillis() + "ms, got " + refresh.toMillis() + "ms");
    }
    String allowPrivate = env.text("RELAYBOX_ALLOW_PRIVATE_URLS", "false");
    if (!allowPrivate.equals("true") && !allowPrivate.equals("false")) {
      throw new ConfigException("RELAYBOX_ALLOW_PRIVATE_URLS must be 'true' or 'false', got '" + allowPrivate + "'");
    }
    int apiRate = env.integer("RELAYBOX_API_RATE", 200, 1, 1_000_000);
    return new AbuseLimits(deadline,
        env.integer("RELAYBOX_HTTP_MIN_BYTES_PER_SECOND", (int) HttpSettings.DEFAULT_MIN_BYTES_PER_SECOND, 0, 100_000_000),
        env.integer("RELAYBOX_HTTP_MAX_CONNECTIONS", HttpSettings.defaultMaxConnections(), 1, 10_000_000),
        env.integer("RELAYBOX_HTTP_MAX_CONNECTIONS_PER_ADDRESS", HttpSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1, 1_000_000),
        env.integer("RELAYBOX_HTTP_MAX_IN_FLIGHT_PER_ADDRESS", Math.max(1, maxInFlight / 4), 1, 1_000_000),
        apiRate,
        env.integer("RELAYBOX_API_BURST", DEFAULT_BURST_SECONDS * apiRate, 1, 1_000_000_000),
        env.integer("RELAYBOX_AUTH_FAILURES_PER_MINUTE", 30, 1, 1_000_000),
        refresh,
        allowPrivate.equals("true"));
  }

  /** Requests per second per key with its burst; failed attempts per minute per address, a minute's worth at once. */
  ApiKeyAuthenticator.Limits keyLimits() {
    return new ApiKeyAuthenticator.Limits(apiRate, apiBurst, authFailuresPerMinute, authFailuresPerMinute);
  }
}
