package dev.relaybox.domain.purchase;

import dev.relaybox.domain.shared.EventType;
import java.time.Instant;
import java.util.Optional;

/**
 * The one event schema sent for every store: {@code purchase.verified}, {@code purchase.renewed},
 * {@code purchase.expired}, {@code purchase.refunded} and {@code purchase.revoked}. Each carries the purchase as it
 * is after the change and when the change happened.
 */
public sealed interface PurchaseEvent permits PurchaseVerified, PurchaseRenewed, PurchaseExpired, PurchaseRefunded, PurchaseRevoked {

  Purchase purchase();

  Instant occurredAt();

  EventType type();

  /**
   * The event a move into {@code state} announces; acknowledging, pending and rejecting announce nothing. Whether the
   * move is announced at all is the ledger's call: only an owner who was told the purchase entitles hears of its end.
   */
  static Optional<PurchaseEvent> announcing(PurchaseState state, Purchase purchase, Instant at) {
    return Optional.ofNullable(switch (state) {
      case VERIFIED -> new PurchaseVerified(purchase, at);
      case RENEWED -> new PurchaseRenewed(purchase, at);
      case EXPIRED -> new PurchaseExpired(purchase, at);
      case REFUNDED -> new PurchaseRefunded(purchase, at);
      case REVOKED -> new PurchaseRevoked(purchase, at);
      case PENDING, ACKNOWLEDGED, REJECTED -> null;
    });
  }
}
