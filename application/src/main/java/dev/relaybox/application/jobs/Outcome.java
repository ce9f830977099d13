package dev.relaybox.application.jobs;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What a handler made of one attempt. The runner turns it into completion, a backed-off retry, or a dead job. */
public sealed interface Outcome {

  record Done() implements Outcome {}

  /** Try again later; {@code after} overrides the backoff, e.g. from a third party's Retry-After. */
  record Retry(Optional<Duration> after, String reason) implements Outcome {
    public Retry {
      after = after == null ? Optional.empty() : after;
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Back-pressure, not failure: the handler never reached the third party (a local rate limiter, bulkhead or open
   * circuit refused the call), so the job runs again at {@code after} without spending an attempt.
   */
  record Defer(Duration after, String reason) implements Outcome {
    public Defer {
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(reason, "reason");
      if (after.isNegative()) {
        after = Duration.ZERO;
      }
    }
  }

  /** Permanent failure: the job goes dead at once and waits for a replay. */
  record Fail(String reason) implements Outcome {
    public Fail {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static Outcome done() {
    return new Done();
  }

  static Outcome retry(String reason) {
    return new Retry(Optional.empty(), reason);
  }

  static Outcome retryAfter(Duration after, String reason) {
    return new Retry(Optional.of(after), reason);
  }

  static Outcome defer(Duration after, String reason) {
    return new Defer(after, reason);
  }

  static Outcome fail(String reason) {
    return new Fail(reason);
  }
}
