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

  static Outcome fail(String reason) {
    return new Fail(reason);
  }
}
