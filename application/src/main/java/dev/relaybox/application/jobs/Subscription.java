package dev.relaybox.application.jobs;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A named consumer. With a filter it receives one job per matching outbox event; without one it only receives jobs
 * enqueued for it by name. Each subscription has its own retry policy, concurrency limit, handler timeout and
 * optional FIFO ordering per key.
 */
public record Subscription(
    String name,
    Optional<EventFilter> filter,
    RetryPolicy retry,
    int concurrency,
    boolean fifoPerKey,
    Duration timeout) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,99}");

  public Subscription {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("subscription name must be lower-case letters, digits, '_', '.', '-', got '" + name + "'");
    }
    filter = filter == null ? Optional.empty() : filter;
    Objects.requireNonNull(retry, "retry");
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
  }

  /** A subscription that receives events matching {@code filter}. */
  public static Subscription toEvents(String name, String filter) {
    return new Subscription(name, Optional.of(new EventFilter(filter)), RetryPolicy.defaults(), 10, false, Duration.ofSeconds(30));
  }

  /** A handler that only receives jobs enqueued for it by name. */
  public static Subscription forCommands(String name) {
    return new Subscription(name, Optional.empty(), RetryPolicy.defaults(), 10, false, Duration.ofSeconds(30));
  }

  public Subscription withRetry(RetryPolicy value) {
    return new Subscription(name, filter, value, concurrency, fifoPerKey, timeout);
  }

  public Subscription withConcurrency(int value) {
    return new Subscription(name, filter, retry, value, fifoPerKey, timeout);
  }

  public Subscription withFifoPerKey(boolean value) {
    return new Subscription(name, filter, retry, concurrency, value, timeout);
  }

  public Subscription withTimeout(Duration value) {
    return new Subscription(name, filter, retry, concurrency, fifoPerKey, value);
  }
}
