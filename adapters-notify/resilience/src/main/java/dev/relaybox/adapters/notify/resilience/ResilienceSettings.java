package dev.relaybox.adapters.notify.resilience;

import dev.relaybox.application.assistance.port.out.ChannelSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The limits around one channel.
 *
 * @param timeout          longest one call may take; the calling thread is then interrupted
 * @param maxPerSecond     sustained rate (may be fractional, e.g. 0.5)
 * @param burst            calls allowed at once before the rate applies; 1 means evenly spaced
 * @param rateLimitMaxWait a permit due within this is waited for in place; a later one defers the job until it is due
 * @param maxConcurrency   calls in flight at once
 * @param bulkheadMaxWait  how long a call may wait for a free slot before its job is deferred ("bulkhead full")
 * @param failureThreshold consecutive failures (Retry outcomes, exceptions, timeouts) that open the circuit
 * @param openDelay        how long the circuit stays open before one trial call is let through
 */
public record ResilienceSettings(Duration timeout, double maxPerSecond, int burst, Duration rateLimitMaxWait,
    int maxConcurrency, Duration bulkheadMaxWait, int failureThreshold, Duration openDelay) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final double DEFAULT_MAX_PER_SECOND = 50;
  /** Slack allows about one message per second per webhook, with short bursts tolerated. */
  public static final double SLACK_MAX_PER_SECOND = 1;
  public static final int SLACK_BURST = 3;
  public static final int DEFAULT_MAX_CONCURRENCY = 8;
  public static final Duration DEFAULT_RATE_LIMIT_MAX_WAIT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_BULKHEAD_MAX_WAIT = Duration.ofSeconds(5);
  public static final int DEFAULT_FAILURE_THRESHOLD = 5;
  public static final Duration DEFAULT_OPEN_DELAY = Duration.ofSeconds(30);

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  public ResilienceSettings {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(rateLimitMaxWait, "rateLimitMaxWait");
    Objects.requireNonNull(bulkheadMaxWait, "bulkheadMaxWait");
    Objects.requireNonNull(openDelay, "openDelay");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (!(maxPerSecond > 0) || Double.isInfinite(maxPerSecond)) {
      throw new IllegalArgumentException("maxPerSecond must be positive");
    }
    if (burst < 1 || maxConcurrency < 1 || failureThreshold < 1) {
      throw new IllegalArgumentException("burst, maxConcurrency and failureThreshold must be at least 1");
    }
    if (rateLimitMaxWait.isNegative() || bulkheadMaxWait.isNegative() || openDelay.isNegative()) {
      throw new IllegalArgumentException("waits and delays must not be negative");
    }
  }

  /** The defaults for a channel: Slack gets 1/s with a burst of 3, every other channel 50/s. */
  public static ResilienceSettings defaults(String channelName) {
    boolean slack = "slack".equals(channelName);
    double rate = slack ? SLACK_MAX_PER_SECOND : DEFAULT_MAX_PER_SECOND;
    return new ResilienceSettings(DEFAULT_TIMEOUT, rate, slack ? SLACK_BURST : defaultBurst(rate),
        DEFAULT_RATE_LIMIT_MAX_WAIT, DEFAULT_MAX_CONCURRENCY, DEFAULT_BULKHEAD_MAX_WAIT, DEFAULT_FAILURE_THRESHOLD,
        DEFAULT_OPEN_DELAY);
  }

  /**
   * Reads {@code RELAYBOX_<NAME>_TIMEOUT} ({@code 5s}, {@code 500ms}, {@code PT5S}), {@code _MAX_PER_SECOND},
   * {@code _BURST} and {@code _MAX_CONCURRENCY} over {@link #defaults(String)}. {@code <NAME>} is the channel name
   * upper-cased with anything but letters and digits turned into {@code _}.
   *
   * @throws IllegalArgumentException naming the variable when a value is invalid
   */
  public static ResilienceSettings fromEnvironment(String channelName, ChannelSettings settings) {
    String prefix = "RELAYBOX_" + channelName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
    ResilienceSettings base = defaults(channelName);
    String timeoutVar = prefix + "TIMEOUT";
    String rateVar = prefix + "MAX_PER_SECOND";
    String burstVar = prefix + "BURST";
    String concurrencyVar = prefix + "MAX_CONCURRENCY";

    Duration timeout = settings.get(timeoutVar).map(v -> duration(timeoutVar, v)).orElse(base.timeout());
    Optional<Double> rate = settings.get(rateVar).map(v -> positiveNumber(rateVar, v));
    int burst = settings.get(burstVar).map(v -> positiveInt(burstVar, v))
        .orElseGet(() -> rate.isPresent() && !"slack".equals(channelName) ? defaultBurst(rate.get()) : base.burst());
    int concurrency = settings.get(concurrencyVar).map(v -> positiveInt(concurrencyVar, v))
        .orElse(base.maxConcurrency());
    if (timeout.isZero()) {
      throw new IllegalArgumentException(timeoutVar + " must be positive");
    }
    return new ResilienceSettings(timeout, rate.orElse(base.maxPerSecond()), burst, base.rateLimitMaxWait(),
        concurrency, base.bulkheadMaxWait(), base.failureThreshold(), base.openDelay());
  }

  public ResilienceSettings withTimeout(Duration newTimeout) {
    return new ResilienceSettings(newTimeout, maxPerSecond, burst, rateLimitMaxWait, maxConcurrency, bulkheadMaxWait,
        failureThreshold, openDelay);
  }

  public ResilienceSettings withRateLimit(double newMaxPerSecond, int newBurst, Duration maxWait) {
    return new ResilienceSettings(timeout, newMaxPerSecond, newBurst, maxWait, maxConcurrency, bulkheadMaxWait,
        failureThreshold, openDelay);
  }

  public ResilienceSettings withBulkhead(int newMaxConcurrency, Duration maxWait) {
    return new ResilienceSettings(timeout, maxPerSecond, burst, rateLimitMaxWait, newMaxConcurrency, maxWait,
        failureThreshold, openDelay);
  }

  public ResilienceSettings withCircuitBreaker(int newFailureThreshold, Duration newOpenDelay) {
    return new ResilienceSettings(timeout, maxPerSecond, burst, rateLimitMaxWait, maxConcurrency, bulkheadMaxWait,
        newFailureThreshold, newOpenDelay);
  }

  private static int defaultBurst(double rate) {
    return (int) Math.max(1, Math.ceil(rate));
  }

  static Duration duration(String name, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT_DURATION.matcher(v);
    try {
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      }
      Duration parsed = Duration.parse(v.toUpperCase(Locale.ROOT));
      if (!parsed.isNegative()) {
        return parsed;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a duration such as 500ms, 5s or PT5S, not '" + value + "'");
  }

  private static double positiveNumber(String name, String value) {
    try {
      double d = Double.parseDouble(value.strip());
      if (d > 0 && !Double.isInfinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive number, not '" + value + "'");
  }

  private static int positiveInt(String name, String value) {
    try {
      int i = Integer.parseInt(value.strip());
      if (i > 0) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive whole number, not '" + value + "'");
  }
}
