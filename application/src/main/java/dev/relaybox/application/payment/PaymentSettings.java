package dev.relaybox.application.payment;

import java.time.Duration;
import java.util.Objects;

/**
 * The orchestration's timings. {@code createRetries} retries after the first create, {@code createBackoff} apart;
 * polls run {@code firstPoll} after the create, then {@code secondPoll}, then doubling up to {@code pollCap}, until
 * {@code maxWait} after intake, when the transaction fails with reason {@code timeout}.
 */
public record PaymentSettings(int createRetries, Duration createBackoff, Duration firstPoll, Duration secondPoll, Duration pollCap,
    Duration maxWait, Duration callbackRetryBase, Duration callbackRetryCap, int callbackMaxAttempts) {

  public PaymentSettings {
    Objects.requireNonNull(createBackoff, "createBackoff");
    Objects.requireNonNull(firstPoll, "firstPoll");
    Objects.requireNonNull(secondPoll, "secondPoll");
    Objects.requireNonNull(pollCap, "pollCap");
    Objects.requireNonNull(maxWait, "maxWait");
    if (createRetries < 0) throw new IllegalArgumentException("createRetries must not be negative");
    if (callbackMaxAttempts < 1) throw new IllegalArgumentException("callbackMaxAttempts must be at least 1");
  }

  /** The defaults: 3 create retries 120 s apart, polls capped at 5 minutes, 24 hours at most. */
  public static PaymentSettings defaults() {
    return new PaymentSettings(3, Duration.ofSeconds(120), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(5),
        Duration.ofHours(24), Duration.ofSeconds(5), Duration.ofMinutes(30), 20);
  }

  /** The wait after poll number {@code polls} (1 = the first poll, which ran {@code firstPoll} after the create). */
  public Duration pollDelayAfter(int polls) {
    Duration delay = secondPoll;
    for (int n = 1; n < polls && delay.compareTo(pollCap) < 0; n++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(pollCap) > 0 ? pollCap : delay;
  }
}
