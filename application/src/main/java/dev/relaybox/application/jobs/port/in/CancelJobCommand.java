package dev.relaybox.application.jobs.port.in;

import java.util.Objects;

/** Cancel an unfinished job by id, or the unfinished job holding a dedupe key. */
public sealed interface CancelJobCommand {
  record ById(long jobId) implements CancelJobCommand {
    public ById {
      if (jobId < 1) throw new IllegalArgumentException("jobId must be positive");
    }
  }

  record ByDedupeKey(String subscription, String dedupeKey) implements CancelJobCommand {
    public ByDedupeKey {
      Objects.requireNonNull(subscription, "subscription");
      Objects.requireNonNull(dedupeKey, "dedupeKey");
      if (subscription.isBlank() || dedupeKey.isBlank()) throw new IllegalArgumentException("subscription and dedupeKey must not be blank");
    }
  }
}
