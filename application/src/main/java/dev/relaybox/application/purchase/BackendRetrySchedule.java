package dev.relaybox.application.purchase;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try the main backend again after a failed delivery: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (the Standard
 * Webhooks schedule), each with ±10 % jitter, all multiplied by {@code scale} (tests use a tiny scale to live through
 * "an hour" in seconds).
 */
public record BackendRetrySchedule(List<Duration> delays, double scale, Duration disabledPoll) {
  public static final List<Duration> STANDARD = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
      Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

  public BackendRetrySchedule {
    delays = List.copyOf(delays);
    if (delays.isEmpty()) throw new IllegalArgumentException("a retry schedule needs at least one delay");
    if (!(scale > 0)) throw new IllegalArgumentException("scale must be positive");
  }

  public static BackendRetrySchedule standard(double scale) {
    return new BackendRetrySchedule(STANDARD, scale, Duration.ofMinutes(1));
  }

  /** The wait after failed attempt number {@code failures} (1-based), or empty when the schedule is used up. */
  public Optional<Duration> after(int failures, RandomGenerator random) {
    if (failures < 1 || failures > delays.size()) {
      return Optional.empty();
    }
    double millis = delays.get(failures - 1).toMillis() * scale;
    double jitter = 1.0 + (random.nextDouble() * 0.2 - 0.1);
    return Optional.of(Duration.ofMillis(Math.max(1, Math.round(millis * jitter))));
  }

  /** How long a delivery waits before looking again while the endpoint is disabled (re-enabling wakes it at once). */
  public Duration whileDisabled() {
    return Duration.ofMillis(Math.max(1, Math.round(disabledPoll.toMillis() * scale)));
  }
}
