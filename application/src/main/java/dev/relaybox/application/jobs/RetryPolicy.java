package dev.relaybox.application.jobs;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: attempt n waits a uniform random time in [0, min(cap, base * 2^(n-1))],
 * which spreads a crowd of failed jobs instead of retrying them in lockstep.
 */
public record RetryPolicy(Duration base, Duration cap, int maxAttempts) {

  public RetryPolicy {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero()) throw new IllegalArgumentException("base must be positive");
    if (cap.compareTo(base) < 0) throw new IllegalArgumentException("cap must be at least base");
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 10);
  }

  public boolean exhausted(int attempt) {
    return attempt >= maxAttempts;
  }

  /** The delay before the attempt after {@code attempt}; a third party's Retry-After wins when it is given. */
  public Duration delayAfter(int attempt, Optional<Duration> requested, RandomGenerator random) {
    if (requested.isPresent()) {
      return requested.get().isNegative() ? Duration.ZERO : requested.get();
    }
    return Duration.ofMillis(random.nextLong(ceilingMillis(attempt) + 1));
  }

  long ceilingMillis(int attempt) {
    long capMillis = cap.toMillis();
    long ceiling = base.toMillis();
    for (int n = 1; n < attempt && ceiling < capMillis; n++) {
      ceiling = Math.min(capMillis, ceiling * 2);
    }
    return Math.min(ceiling, capMillis);
  }
}
