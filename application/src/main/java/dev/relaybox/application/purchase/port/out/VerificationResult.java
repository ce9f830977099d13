package dev.relaybox.application.purchase.port.out;

import dev.relaybox.domain.purchase.StoreTransaction;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A store's answer: verified, refused (do not retry), or unreachable for now. */
public sealed interface VerificationResult {

  /** {@code summary} is a short description of the store's answer for the audit trail. */
  record Verified(StoreTransaction transaction, String summary) implements VerificationResult {
    public Verified {
      Objects.requireNonNull(transaction, "transaction");
      Objects.requireNonNull(summary, "summary");
    }
  }

  record Rejected(String reason) implements VerificationResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  record Unavailable(String reason, Optional<Duration> retryAfter) implements VerificationResult {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
      retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    }
  }
}
