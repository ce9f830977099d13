package dev.relaybox.domain.purchase;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A purchase in one store and one environment (a Sandbox purchase is never the Production one), owned by one user of
 * the main backend. State changes go through {@link #moveTo}, which enforces {@link PurchaseState}'s legal moves.
 */
public record Purchase(
    UUID id,
    Store store,
    String environment,
    String storeKey,
    String userId,
    String productId,
    PurchaseKind kind,
    PurchaseState state,
    String transactionId,
    String originalTransactionId,
    Optional<Instant> purchasedAt,
    Optional<Instant> expiresAt,
    Optional<Long> amountMicros,
    Optional<String> currency,
    boolean acknowledged,
    Instant createdAt,
    Instant updatedAt) {

  public Purchase {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(storeKey, "storeKey");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
    transactionId = transactionId == null ? "" : transactionId;
    originalTransactionId = originalTransactionId == null ? "" : originalTransactionId;
    purchasedAt = purchasedAt == null ? Optional.empty() : purchasedAt;
    expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
    amountMicros = amountMicros == null ? Optional.empty() : amountMicros;
    currency = currency == null ? Optional.empty() : currency;
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** A purchase the app reported and the store has not answered for yet. */
  public static Purchase pending(UUID id, UserId userId, StoreTransaction tx, Instant at) {
    return new Purchase(id, tx.store(), tx.environment(), tx.storeKey(), userId.value(), tx.productId(), tx.kind(),
        PurchaseState.PENDING, tx.transactionId(), tx.originalTransactionId(), tx.purchasedAt(), tx.expiresAt(),
        tx.amountMicros(), tx.currency(), tx.acknowledged(), at, at);
  }

  /** Moves to {@code next}, refreshing what the store said; throws when the move is not legal. */
  public Purchase moveTo(PurchaseState next, StoreTransaction tx, Instant at) {
    if (!state.canMoveTo(next)) {
      throw new IllegalTransitionException(state, next);
    }
    return refreshedFrom(tx, at).withState(next);
  }

  /** The store's latest details without a change of state. */
  public Purchase refreshedFrom(StoreTransaction tx, Instant at) {
    return new Purchase(id, store, environment, storeKey, userId, productId, kind, state,
        tx.transactionId().isEmpty() ? transactionId : tx.transactionId(),
        tx.originalTransactionId().isEmpty() ? originalTransactionId : tx.originalTransactionId(),
        tx.purchasedAt().or(() -> purchasedAt), tx.expiresAt().or(() -> expiresAt), tx.amountMicros().or(() -> amountMicros),
        tx.currency().or(() -> currency), acknowledged || tx.acknowledged(), createdAt, at);
  }

  public Purchase acknowledgedAt(Instant at) {
    if (!state.canMoveTo(PurchaseState.ACKNOWLEDGED)) {
      throw new IllegalTransitionException(state, PurchaseState.ACKNOWLEDGED);
    }
    return new Purchase(id, store, environment, storeKey, userId, productId, kind, PurchaseState.ACKNOWLEDGED, transactionId,
        originalTransactionId, purchasedAt, expiresAt, amountMicros, currency, true, createdAt, at);
  }

  private Purchase withState(PurchaseState next) {
    return new Purchase(id, store, environment, storeKey, userId, productId, kind, next, transactionId, originalTransactionId,
        purchasedAt, expiresAt, amountMicros, currency, acknowledged, createdAt, updatedAt);
  }
}
