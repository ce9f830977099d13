package dev.relaybox.application.purchase;

import dev.relaybox.application.purchase.port.in.PurchaseConflictException;
import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import dev.relaybox.application.purchase.port.out.Purchases;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.PurchaseEvent;
import dev.relaybox.domain.purchase.PurchaseState;
import dev.relaybox.domain.purchase.StoreTransaction;
import dev.relaybox.domain.purchase.UserId;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what a store said to the purchase it is about, inside the caller's transaction: creates the purchase when
 * it is new, moves it along the legal transitions, writes a {@code state_change} audit line per move and publishes
 * the matching {@code purchase.*} event keyed by user id, so the backend receives each user's events in order.
 */
public final class PurchaseLedger {
  public static final String PURCHASE_ID_HEADER = "purchaseId";
  private static final Logger LOG = LoggerFactory.getLogger(PurchaseLedger.class);

  private final Purchases purchases;
  private final PurchaseAudit audit;
  private final Outbox outbox;
  private final TimeOrderedIds ids;
  private final Clock clock;

  public PurchaseLedger(Purchases purchases, PurchaseAudit audit, Outbox outbox, TimeOrderedIds ids, Clock clock) {
    this.purchases = purchases;
    this.audit = audit;
    this.outbox = outbox;
    this.ids = ids;
    this.clock = clock;
  }

  /**
   * Records the store's answer; {@code forced} overrides the state the answer implies (e.g. a REFUND notification).
   * Without a known purchase and without {@code owner}, nothing is recorded and empty is returned.
   */
  public Optional<Purchase> apply(StoreTransaction tx, Optional<UserId> owner, Optional<PurchaseState> forced, String cause) {
    Instant now = clock.instant();
    Optional<Purchase> locked = purchases.lockByStoreKey(tx.store(), tx.environment(), tx.storeKey());
    Purchase purchase;
    if (locked.isPresent()) {
      purchase = locked.get();
      if (owner.isPresent() && !owner.get().value().equals(purchase.userId())) {
        throw new PurchaseConflictException("this purchase is already recorded for another user");
      }
    } else {
      Optional<UserId> user = owner.or(() -> tx.accountHint().map(UserId::new));
      if (user.isEmpty()) {
        return Optional.empty();
      }
      purchases.addIfAbsent(Purchase.pending(ids.next(), user.get(), tx, now));
      purchase = purchases.lockByStoreKey(tx.store(), tx.environment(), tx.storeKey()).orElseThrow();
      if (!purchase.userId().equals(user.get().value())) {
        throw new PurchaseConflictException("this purchase is already recorded for another user");
      }
    }
    PurchaseState target = forced.isPresent() ? forced.get() : tx.targetState(purchase.state(), purchase.expiresAt());
    if (purchase.state() == PurchaseState.PENDING && target != PurchaseState.VERIFIED && target != PurchaseState.REJECTED
        && target != PurchaseState.PENDING) {
      purchase = move(purchase, PurchaseState.VERIFIED, tx, now, cause);
    }
    // RENEWED -> RENEWED is a further renewal (targetState only says RENEWED when the expiry moved on)
    if (target == purchase.state() && target != PurchaseState.RENEWED) {
      Purchase refreshed = purchase.refreshedFrom(tx, now);
      purchases.update(refreshed);
      return Optional.of(refreshed);
    }
    if (!purchase.state().canMoveTo(target)) {
      LOG.info("purchase {}: store says {} but {} cannot move there; kept", purchase.id(), target.wire(), purchase.state().wire());
      audit.append(entry(purchase, "state_change", "ignored", cause,
          purchase.state().wire() + " -> " + target.wire() + " is not a legal move", Optional.empty(), now));
      Purchase refreshed = purchase.refreshedFrom(tx, now);
      purchases.update(refreshed);
      return Optional.of(refreshed);
    }
    return Optional.of(move(purchase, target, tx, now, cause));
  }

  /** Records an acknowledgement (Google) as a move to {@code acknowledged} when that is legal, else as a flag. */
  public Purchase acknowledge(Purchase purchase, String cause) {
    Instant now = clock.instant();
    Purchase updated;
    if (purchase.state().canMoveTo(PurchaseState.ACKNOWLEDGED)) {
      updated = purchase.acknowledgedAt(now);
      audit.append(entry(updated, "state_change", "acknowledged", cause,
          purchase.state().wire() + " -> " + updated.state().wire(), Optional.empty(), now));
    } else {
      updated = new Purchase(purchase.id(), purchase.store(), purchase.environment(), purchase.storeKey(), purchase.userId(),
          purchase.productId(), purchase.kind(), purchase.state(), purchase.transactionId(), purchase.originalTransactionId(),
          purchase.purchasedAt(), purchase.expiresAt(), purchase.amountMicros(), purchase.currency(), true,
          purchase.createdAt(), now);
    }
    purchases.update(updated);
    return updated;
  }

  private Purchase move(Purchase purchase, PurchaseState target, StoreTransaction tx, Instant now, String cause) {
    Purchase moved = purchase.moveTo(target, tx, now);
    purchases.update(moved);
    Optional<PurchaseEvent> event = PurchaseEvent.announcing(target, moved, now);
    Optional<UUID> eventId = event.map(e -> ids.next());
    event.ifPresent(e -> outbox.publish(new OutboxEvent(eventId.get(), e.type(), moved.userId(), PurchaseJson.event(eventId.get(), e),
        Map.of(PURCHASE_ID_HEADER, moved.id().toString()))));
    audit.append(entry(moved, "state_change", target.wire(), cause, purchase.state().wire() + " -> " + target.wire(), eventId, now));
    LOG.info("purchase {} ({} {}): {} -> {} ({})", moved.id(), moved.store().wire(), moved.environment(), purchase.state().wire(),
        target.wire(), cause);
    return moved;
  }

  AuditEntry entry(Purchase p, String kind, String outcome, String request, String response, Optional<UUID> eventId, Instant at) {
    return new AuditEntry(ids.next(), Optional.of(p.id()), p.store().wire(), p.storeKey(), kind, outcome, request, response,
        Optional.empty(), eventId, at);
  }
}
