package dev.relaybox.domain.purchase;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A purchase in one store and one environment (a Sandbox purchase is never the Production one). {@code userId} is the
 * owner, a user of the main backend: empty until the app's own verify call claims the purchase, because a store
 * notification never decides who owns it. {@code appAccountToken} is the account id the app attached in the store
 * (Apple's appAccountToken, Google's obfuscatedExternalAccountId), kept as its own field. {@code appId} is the app in
 * the store (Google's package name, Apple's bundle id). {@code stateReason} is the store's words for a state that does
 * not entitle (why a purchase was rejected, expired or revoked). {@code entitledAt} is when the store first said it
 * entitles; {@code announced} says the owner has been sent {@code purchase.verified}. State changes go through
 * {@link #moveTo}, which enforces {@link PurchaseState}'s legal moves.
 */
public record Purchase(
    UUID id,
    Store store,
    String environment,
    String storeKey,
    Optional<String> userId,
    Optional<String> appAccountToken,
    Optional<String> appId,
    String productId,
    PurchaseKind kind,
    PurchaseState state,
    Optional<String> stateReason,
    String transactionId,
    String originalTransactionId,
    Optional<Instant> purchasedAt,
    Optional<Instant> expiresAt,
    Optional<Long> amountMicros,
    Optional<String> currency,
    boolean acknowledged,
    Optional<Instant> entitledAt,
    boolean announced,
    Instant createdAt,
    Instant updatedAt) {

  public Purchase {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(storeKey, "storeKey");
    userId = userId == null ? Optional.empty() : userId;
    appAccountToken = appAccountToken == null ? Optional.empty() : appAccountToken;
    appId = appId == null ? Optional.empty() : appId;
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
    stateReason = stateReason == null ? Optional.empty() : stateReason;
    transactionId = transactionId == null ? "" : transactionId;
    originalTransactionId = originalTransactionId == null ? "" : originalTransactionId;
    purchasedAt = purchasedAt == null ? Optional.empty() : purchasedAt;
    expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
    amountMicros = amountMicros == null ? Optional.empty() : amountMicros;
    currency = currency == null ? Optional.empty() : currency;
    entitledAt = entitledAt == null ? Optional.empty() : entitledAt;
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** A purchase first heard of, not yet judged, owned by {@code owner} when one is known. */
  public static Purchase pending(UUID id, Optional<UserId> owner, StoreTransaction tx, Instant at) {
    return new Purchase(id, tx.store(), tx.environment(), tx.storeKey(), owner.map(UserId::value), tx.accountHint(), tx.appId(),
        tx.productId(), tx.kind(), PurchaseState.PENDING, Optional.empty(), tx.transactionId(), tx.originalTransactionId(),
        tx.purchasedAt(), tx.expiresAt(), tx.amountMicros(), tx.currency(), tx.acknowledged(), Optional.empty(), false, at, at);
  }

  public boolean ownedBy(UserId user) {
    return userId.isPresent() && userId.get().equals(user.value());
  }

  /** Moves to {@code next}, refreshing what the store said; throws when the move is not legal. */
  public Purchase moveTo(PurchaseState next, StoreTransaction tx, Instant at) {
    if (!state.canMoveTo(next)) {
      throw new IllegalTransitionException(state, next);
    }
    Purchase refreshed = refreshedFrom(tx, at);
    Optional<String> reason = next.entitled() ? Optional.empty() : tx.statusDetail().or(() -> refreshed.stateReason);
    Optional<Instant> entitled = next.entitled() ? refreshed.entitledAt.or(() -> Optional.of(at)) : refreshed.entitledAt;
    return new Purchase(id, store, environment, storeKey, userId, refreshed.appAccountToken, refreshed.appId, productId, kind, next,
        reason, refreshed.transactionId, refreshed.originalTransactionId, refreshed.purchasedAt, refreshed.expiresAt,
        refreshed.amountMicros, refreshed.currency, refreshed.acknowledged, entitled, announced, createdAt, at);
  }

  /** The store's latest details without a change of state. */
  public Purchase refreshedFrom(StoreTransaction tx, Instant at) {
    return new Purchase(id, store, environment, storeKey, userId, tx.accountHint().or(() -> appAccountToken),
        tx.appId().or(() -> appId), productId, kind, state, stateReason,
        tx.transactionId().isEmpty() ? transactionId : tx.transactionId(),
        tx.originalTransactionId().isEmpty() ? originalTransactionId : tx.originalTransactionId(),
        tx.purchasedAt().or(() -> purchasedAt), tx.expiresAt().or(() -> expiresAt), tx.amountMicros().or(() -> amountMicros),
        tx.currency().or(() -> currency), acknowledged || tx.acknowledged(), entitledAt, announced, createdAt, at);
  }

  /** The owner's claim; only an unclaimed purchase can be claimed. */
  public Purchase claimedBy(UserId owner, Instant at) {
    if (userId.isPresent() && !ownedBy(owner)) {
      throw new IllegalStateException("purchase " + id + " is already owned");
    }
    return new Purchase(id, store, environment, storeKey, Optional.of(owner.value()), appAccountToken, appId, productId, kind, state,
        stateReason, transactionId, originalTransactionId, purchasedAt, expiresAt, amountMicros, currency, acknowledged, entitledAt,
        announced, createdAt, at);
  }

  /** Marks that the owner has been sent {@code purchase.verified}. */
  public Purchase announcedToOwner() {
    return new Purchase(id, store, environment, storeKey, userId, appAccountToken, appId, productId, kind, state, stateReason,
        transactionId, originalTransactionId, purchasedAt, expiresAt, amountMicros, currency, acknowledged, entitledAt, true,
        createdAt, updatedAt);
  }

  /** Records the store's acknowledgement: a move to {@code acknowledged} when that is legal, else only the flag. */
  public Purchase acknowledgedAt(Instant at) {
    PurchaseState next = state.canMoveTo(PurchaseState.ACKNOWLEDGED) ? PurchaseState.ACKNOWLEDGED : state;
    return new Purchase(id, store, environment, storeKey, userId, appAccountToken, appId, productId, kind, next, stateReason,
        transactionId, originalTransactionId, purchasedAt, expiresAt, amountMicros, currency, true, entitledAt, announced,
        createdAt, at);
  }

  /** A Google purchase that entitles but has not been acknowledged: Google refunds it after three days. */
  public boolean needsAcknowledgement() {
    return store == Store.GOOGLE && state.entitled() && !acknowledged;
  }
}
