package dev.relaybox.application.purchase;

import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.application.purchase.port.in.PurchaseConflictException;
import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import dev.relaybox.application.purchase.port.out.Purchases;
import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.PurchaseEvent;
import dev.relaybox.domain.purchase.PurchaseState;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.purchase.StoreTransaction;
import dev.relaybox.domain.purchase.UserId;
import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.domain.shared.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what a store said to the purchase it is about, inside the caller's transaction (the purchase row is locked,
 * so two nodes applying answers about one purchase take turns). It creates the purchase when it is new, without an
 * owner unless the caller is the app's verify call; moves it along the legal transitions with a {@code state_change}
 * audit line per move; makes sure a Google purchase that entitles is acknowledged; and publishes {@code purchase.*}
 * events keyed by the owner's user id, so the backend receives each user's events in order.
 *
 * <p>Events follow entitlement: the owner hears {@code purchase.verified} the first time the purchase entitles while
 * it has an owner (a purchase first seen through a notification is announced when the app claims it), then
 * {@code renewed}, {@code expired}, {@code refunded} and {@code revoked}. A purchase that never entitled announces
 * nothing: a canceled or never-paid purchase is stored {@code rejected} with the store's reason.
 */
public final class PurchaseLedger {
  public static final String PURCHASE_ID_HEADER = "purchaseId";
  private static final Logger LOG = LoggerFactory.getLogger(PurchaseLedger.class);

  private final Purchases purchases;
  private final PurchaseAudit audit;
  private final Payloads payloads;
  private final Outbox outbox;
  private final Jobs jobs;
  private final Set<Store> accountTokenOwns;
  private final TimeOrderedIds ids;
  private final Clock clock;

  /**
   * @param accountTokenOwns stores whose app sets the account token to its own user id
   *     ({@code RELAYBOX_APPLE_OWNER=appAccountToken}): there, a notification's token claims an unclaimed purchase
   */
  public PurchaseLedger(Purchases purchases, PurchaseAudit audit, Outbox outbox, Jobs jobs, Payloads payloads, Set<Store> accountTokenOwns,
      TimeOrderedIds ids, Clock clock) {
    this.purchases = purchases;
    this.audit = audit;
    this.payloads = payloads;
    this.outbox = outbox;
    this.jobs = jobs;
    this.accountTokenOwns = Set.copyOf(accountTokenOwns);
    this.ids = ids;
    this.clock = clock;
  }

  /**
   * Records the store's answer. {@code claim} is the user of the app's own verify call (a notification has none);
   * {@code forced} overrides the state the answer implies (e.g. a REFUND notification).
   *
   * @throws PurchaseConflictException when {@code claim} is not the purchase's owner (the caller audits it)
   */
  public Purchase apply(StoreTransaction tx, Optional<UserId> claim, Optional<PurchaseState> forced, String cause) {
    Instant now = clock.instant();
    Optional<UserId> owner = claim.or(() -> tokenOwner(tx));
    Purchase purchase = purchases.lockByStoreKey(tx.store(), tx.environment(), tx.storeKey())
        .orElseGet(() -> purchases.addIfAbsent(Purchase.pending(ids.next(), owner, tx, now)));
    purchase = claimed(purchase, owner, claim.isPresent(), cause, now);

    PurchaseState before = purchase.state();
    PurchaseState target = forced.isPresent() ? forced.get() : tx.targetState(before, purchase.expiresAt());
    boolean moved = false;
    // RENEWED again only for a later expiry: the same renewal told twice (a notification and a verify racing on two
    // nodes, each applied after the other under the row lock) must announce it once.
    boolean renewedAgain = target == PurchaseState.RENEWED && tx.extendsExpiry(purchase.expiresAt());
    if (target == before && !renewedAgain) {
      purchase = purchase.refreshedFrom(tx, now);
    } else if (!before.canMoveTo(target)) {
      LOG.info("purchase {}: store says {} but {} cannot move there; kept", purchase.id(), target.wire(), before.wire());
      audit.append(entry(purchase, "state_change", "ignored", cause, before.wire() + " -> " + target.wire() + " is not a legal move",
          Optional.empty(), now));
      purchase = purchase.refreshedFrom(tx, now);
    } else {
      purchase = purchase.moveTo(target, tx, now);
      moved = true;
    }

    Optional<PurchaseState> announced = announcement(purchase, moved);
    if (announced.equals(Optional.of(PurchaseState.VERIFIED))) {
      purchase = purchase.announcedToOwner();
    }
    Purchase result = purchase;
    Optional<UUID> eventId = announced.flatMap(s -> PurchaseEvent.announcing(s, result, now)).map(this::publish);
    purchases.update(result);
    if (moved) {
      audit.append(entry(result, "state_change", target.wire(), cause, before.wire() + " -> " + target.wire()
          + result.stateReason().map(r -> " (" + r + ")").orElse(""), eventId, now));
      LOG.info("purchase {} ({} {}): {} -> {} ({})", result.id(), result.store().wire(), result.environment(), before.wire(),
          target.wire(), cause);
    } else if (eventId.isPresent()) {
      audit.append(entry(result, "state_change", "announced", cause, result.state().wire() + ", announced to its owner", eventId, now));
    }
    ensureAcknowledgement(result, cause);
    return result;
  }

  /**
   * Makes sure an acknowledge job exists for a Google purchase that entitles and is not acknowledged (one per purchase
   * token while it is unfinished). Returns true when this call scheduled it.
   */
  public boolean ensureAcknowledgement(Purchase purchase, String cause) {
    if (!purchase.needsAcknowledgement()) {
      return false;
    }
    if (purchase.appId().isEmpty()) {
      LOG.warn("purchase {} needs acknowledging but its package name is unknown; verify it again to acknowledge it", purchase.id());
      return false;
    }
    boolean scheduled = jobs.enqueue(EnqueueJob.of(AcknowledgeGooglePurchase.SUBSCRIPTION,
            payloads.write(new AcknowledgeGooglePurchase.Payload(purchase.id(), purchase.appId().get())))
        .dedupeKey(AcknowledgeGooglePurchase.dedupeKey(purchase.storeKey()))).isPresent();
    if (scheduled) {
      audit.append(entry(purchase, "acknowledgement", "scheduled", cause, "acknowledge job scheduled", Optional.empty(), clock.instant()));
    }
    return scheduled;
  }

  /** Records Google's acknowledgement: a move to {@code acknowledged} when that is legal, else only the flag. */
  public Purchase acknowledge(Purchase purchase, String cause) {
    Instant now = clock.instant();
    Purchase updated = purchase.acknowledgedAt(now);
    if (updated.state() != purchase.state()) {
      audit.append(entry(updated, "state_change", "acknowledged", cause, purchase.state().wire() + " -> " + updated.state().wire(),
          Optional.empty(), now));
    }
    purchases.update(updated);
    return updated;
  }

  private Purchase claimed(Purchase purchase, Optional<UserId> owner, boolean byApp, String cause, Instant now) {
    if (owner.isEmpty() || purchase.ownedBy(owner.get())) {
      return purchase;
    }
    if (purchase.userId().isPresent()) {
      if (byApp) {
        throw new PurchaseConflictException("this purchase is already recorded for another user");
      }
      return purchase;
    }
    Purchase claimed = purchase.claimedBy(owner.get(), now);
    audit.append(entry(claimed, "state_change", "claimed", cause, "owner " + owner.get().value()
        + (byApp ? " (the app's verify call)" : " (the store's appAccountToken)"), Optional.empty(), now));
    return claimed;
  }

  private Optional<UserId> tokenOwner(StoreTransaction tx) {
    if (!accountTokenOwns.contains(tx.store()) || tx.accountHint().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new UserId(tx.accountHint().get()));
    } catch (ValidationException e) {
      return Optional.empty();
    }
  }

  /** Which event the owner is told of for this change, as the state it announces (see the class comment). */
  private static Optional<PurchaseState> announcement(Purchase p, boolean moved) {
    if (p.userId().isEmpty()) {
      return Optional.empty();
    }
    if (p.state().entitled()) {
      if (!p.announced()) {
        return Optional.of(PurchaseState.VERIFIED);
      }
      return moved && p.state() == PurchaseState.RENEWED ? Optional.of(PurchaseState.RENEWED) : Optional.empty();
    }
    return moved && p.announced() ? Optional.of(p.state()) : Optional.empty();
  }

  private UUID publish(PurchaseEvent event) {
    UUID eventId = ids.next();
    Purchase purchase = event.purchase();
    outbox.publish(new OutboxEvent(eventId, event.type(), purchase.userId().orElseThrow(), payloads.write(PurchaseEventData.of(eventId, event)),
        Map.of(PURCHASE_ID_HEADER, purchase.id().toString())));
    return eventId;
  }

  AuditEntry entry(Purchase p, String kind, String outcome, String request, String response, Optional<UUID> eventId, Instant at) {
    return new AuditEntry(ids.next(), Optional.of(p.id()), p.store().wire(), p.storeKey(), kind, outcome, request, response,
        Optional.empty(), eventId, at);
  }
}
