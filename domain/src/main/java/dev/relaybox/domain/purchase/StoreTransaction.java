package dev.relaybox.domain.purchase;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One store's verified answer about a purchase, in one shape for both stores. {@code storeKey} identifies the purchase
 * in that store and environment: Google's purchase token, Apple's original transaction id. {@code accountHint} is the
 * app's own account id when the store carries one (Apple appAccountToken, Google obfuscatedExternalAccountId).
 */
public record StoreTransaction(
    Store store,
    String environment,
    String storeKey,
    String productId,
    PurchaseKind kind,
    String transactionId,
    String originalTransactionId,
    StoreStatus status,
    Optional<Instant> purchasedAt,
    Optional<Instant> expiresAt,
    Optional<Long> amountMicros,
    Optional<String> currency,
    boolean acknowledged,
    Optional<String> accountHint) {

  public StoreTransaction {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(storeKey, "storeKey");
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    transactionId = transactionId == null ? "" : transactionId;
    originalTransactionId = originalTransactionId == null ? "" : originalTransactionId;
    purchasedAt = purchasedAt == null ? Optional.empty() : purchasedAt;
    expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
    amountMicros = amountMicros == null ? Optional.empty() : amountMicros;
    currency = currency == null ? Optional.empty() : currency;
    accountHint = accountHint == null ? Optional.empty() : accountHint;
  }

  /** The state a purchase should be in after this answer, given where it is now. */
  public PurchaseState targetState(PurchaseState current, Optional<Instant> knownExpiry) {
    return switch (status) {
      case PENDING -> current;
      case EXPIRED -> PurchaseState.EXPIRED;
      case REFUNDED -> PurchaseState.REFUNDED;
      case REVOKED -> PurchaseState.REVOKED;
      case ACTIVE -> {
        if (current == PurchaseState.PENDING || current == PurchaseState.REJECTED) {
          yield PurchaseState.VERIFIED;
        }
        boolean extended = expiresAt.isPresent() && (knownExpiry.isEmpty() || expiresAt.get().isAfter(knownExpiry.get()));
        if (kind == PurchaseKind.SUBSCRIPTION && (extended || current == PurchaseState.EXPIRED)) {
          yield PurchaseState.RENEWED;
        }
        yield current;
      }
    };
  }
}
