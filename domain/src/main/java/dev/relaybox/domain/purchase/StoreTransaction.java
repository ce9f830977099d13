package dev.relaybox.domain.purchase;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One store's verified answer about a purchase, in one shape for both stores. {@code storeKey} identifies the purchase
 * in that store and environment: Google's purchase token, Apple's original transaction id. {@code accountHint} is the
 * app's own account id when the store carries one (Apple appAccountToken, Google obfuscatedExternalAccountId); it is
 * recorded, never taken as the owner unless the deployment says so. {@code appId} is the app in the store (Google's
 * package name, Apple's bundle id). {@code statusDetail} is the store's own words for {@code status} (e.g. "purchaseState 1
 * (canceled)"), kept as the reason of a state that does not entitle.
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
    Optional<String> accountHint,
    Optional<String> appId,
    Optional<String> statusDetail) {

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
    appId = appId == null ? Optional.empty() : appId;
    statusDetail = statusDetail == null ? Optional.empty() : statusDetail;
  }

  /** The same answer with another status, in the store's words (e.g. a notification that says more than the transaction). */
  public StoreTransaction withStatus(StoreStatus newStatus, String detail) {
    return new StoreTransaction(store, environment, storeKey, productId, kind, transactionId, originalTransactionId, newStatus,
        purchasedAt, expiresAt, amountMicros, currency, acknowledged, accountHint, appId, Optional.of(detail));
  }

  /** The state a purchase should be in after this answer, given where it is now. */
  public PurchaseState targetState(PurchaseState current, Optional<Instant> knownExpiry) {
    return switch (status) {
      case PENDING -> current;
      // never paid: a purchase nobody was granted is rejected; one that had been granted is taken back
      case CANCELED -> current == PurchaseState.PENDING || current == PurchaseState.REJECTED ? PurchaseState.REJECTED
          : PurchaseState.REVOKED;
      case EXPIRED -> PurchaseState.EXPIRED;
      case REFUNDED -> PurchaseState.REFUNDED;
      case REVOKED -> PurchaseState.REVOKED;
      case ACTIVE -> {
        if (current == PurchaseState.PENDING || current == PurchaseState.REJECTED) {
          yield PurchaseState.VERIFIED;
        }
        if (kind == PurchaseKind.SUBSCRIPTION && (extendsExpiry(knownExpiry) || current == PurchaseState.EXPIRED)) {
          yield PurchaseState.RENEWED;
        }
        yield current;
      }
    };
  }

  /** Whether this answer's expiry lies past {@code knownExpiry}: a renewal, not the known period told again. */
  public boolean extendsExpiry(Optional<Instant> knownExpiry) {
    return expiresAt.isPresent() && (knownExpiry.isEmpty() || expiresAt.get().isAfter(knownExpiry.get()));
  }

}
