package dev.relaybox.domain.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.domain.shared.ValidationException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PurchaseStateMachineTest {
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  private static StoreTransaction subscription(StoreStatus status, Instant expires) {
    return new StoreTransaction(Store.APPLE, "Production", "1000", "pro.monthly", PurchaseKind.SUBSCRIPTION, "2000", "1000",
        status, Optional.of(T0), Optional.ofNullable(expires), Optional.of(9_990_000L), Optional.of("EUR"), false, Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  @Test
  void pendingPurchaseIsVerifiedThenRenewedThenExpiredThenRevoked() {
    Purchase p = Purchase.pending(UUID.randomUUID(), Optional.of(new UserId("user-1")), subscription(StoreStatus.ACTIVE, T0.plusSeconds(60)), T0);
    assertEquals(PurchaseState.PENDING, p.state());
    p = p.moveTo(PurchaseState.VERIFIED, subscription(StoreStatus.ACTIVE, T0.plusSeconds(60)), T0);
    PurchaseState next = subscription(StoreStatus.ACTIVE, T0.plusSeconds(120)).targetState(p.state(), p.expiresAt());
    assertEquals(PurchaseState.RENEWED, next);
    p = p.moveTo(next, subscription(StoreStatus.ACTIVE, T0.plusSeconds(120)), T0);
    assertEquals(Optional.of(T0.plusSeconds(120)), p.expiresAt());
    assertEquals(PurchaseState.RENEWED, p.state());
    p = p.moveTo(PurchaseState.EXPIRED, subscription(StoreStatus.EXPIRED, null), T0);
    p = p.moveTo(PurchaseState.REVOKED, subscription(StoreStatus.REVOKED, null), T0);
    assertTrue(p.state().isFinal());
  }

  @Test
  void illegalMovesAreRefused() {
    Purchase p = Purchase.pending(UUID.randomUUID(), Optional.of(new UserId("user-1")), subscription(StoreStatus.ACTIVE, null), T0);
    Purchase pending = p;
    assertThrows(IllegalTransitionException.class, () -> pending.moveTo(PurchaseState.RENEWED, subscription(StoreStatus.ACTIVE, null), T0));
    Purchase revoked = p.moveTo(PurchaseState.VERIFIED, subscription(StoreStatus.ACTIVE, null), T0)
        .moveTo(PurchaseState.REVOKED, subscription(StoreStatus.REVOKED, null), T0);
    assertThrows(IllegalTransitionException.class, () -> revoked.moveTo(PurchaseState.VERIFIED, subscription(StoreStatus.ACTIVE, null), T0));
    assertFalse(PurchaseState.REJECTED.canMoveTo(PurchaseState.VERIFIED));
    assertFalse(PurchaseState.REFUNDED.canMoveTo(PurchaseState.RENEWED));
  }

  @Test
  void sameExpiryIsNoChangeAndOnlyAnnouncingStatesHaveEvents() {
    StoreTransaction tx = subscription(StoreStatus.ACTIVE, T0.plusSeconds(60));
    assertEquals(PurchaseState.ACKNOWLEDGED, tx.targetState(PurchaseState.ACKNOWLEDGED, Optional.of(T0.plusSeconds(60))));
    Purchase p = Purchase.pending(UUID.randomUUID(), Optional.of(new UserId("u")), tx, T0);
    assertEquals("purchase.verified", PurchaseEvent.announcing(PurchaseState.VERIFIED, p, T0).orElseThrow().type().value());
    assertTrue(PurchaseEvent.announcing(PurchaseState.ACKNOWLEDGED, p, T0).isEmpty());
  }

  @Test
  void aPurchaseCanceledBeforePaymentIsRejectedWithTheStoresReasonButOneThatWasGrantedIsRevoked() {
    StoreTransaction canceled = subscription(StoreStatus.ACTIVE, null).withStatus(StoreStatus.CANCELED, "purchaseState 1 (canceled)");
    Purchase p = Purchase.pending(UUID.randomUUID(), Optional.empty(), canceled, T0);
    assertEquals(PurchaseState.REJECTED, canceled.targetState(p.state(), p.expiresAt()));
    Purchase rejected = p.moveTo(PurchaseState.REJECTED, canceled, T0);
    assertEquals(Optional.of("purchaseState 1 (canceled)"), rejected.stateReason());
    assertTrue(rejected.entitledAt().isEmpty(), "never entitled");
    assertEquals(PurchaseState.REVOKED, canceled.targetState(PurchaseState.ACKNOWLEDGED, Optional.empty()));
  }

  @Test
  void aPurchaseFirstSeenAfterItEndedGoesStraightToItsEndWithoutEverEntitling() {
    Purchase p = Purchase.pending(UUID.randomUUID(), Optional.empty(), subscription(StoreStatus.EXPIRED, T0.minusSeconds(1)), T0);
    Purchase expired = p.moveTo(PurchaseState.EXPIRED, subscription(StoreStatus.EXPIRED, T0.minusSeconds(1)), T0);
    assertEquals(PurchaseState.EXPIRED, expired.state());
    assertTrue(expired.entitledAt().isEmpty());
    assertFalse(expired.needsAcknowledgement());
    Purchase renewed = expired.moveTo(PurchaseState.RENEWED, subscription(StoreStatus.ACTIVE, T0.plusSeconds(60)), T0.plusSeconds(1));
    assertEquals(Optional.of(T0.plusSeconds(1)), renewed.entitledAt());
    assertTrue(renewed.userId().isEmpty(), "a store answer never sets the owner");
    assertEquals(Optional.of("u2"), renewed.claimedBy(new UserId("u2"), T0).userId());
    assertThrows(IllegalStateException.class, () -> renewed.claimedBy(new UserId("u2"), T0).claimedBy(new UserId("u3"), T0));
  }

  @Test
  void userIdsAreValidated() {
    assertThrows(ValidationException.class, () -> new UserId(" "));
    assertThrows(ValidationException.class, () -> new UserId("has space"));
    assertThrows(ValidationException.class, () -> new UserId("x".repeat(129)));
  }
}
