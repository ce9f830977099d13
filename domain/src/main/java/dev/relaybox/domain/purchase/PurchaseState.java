package dev.relaybox.domain.purchase;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a purchase stands, with the explicit legal moves between states. {@code pending} is where every purchase
 * starts; from there it becomes {@code verified} when the store says it entitles, {@code rejected} when it was never
 * valid (canceled before payment), or goes straight to {@code expired}, {@code refunded} or {@code revoked} when it is
 * first seen after it ended. {@code rejected} and {@code revoked} are final; a refunded purchase can still be revoked;
 * an expired subscription can be renewed again (a resubscription keeps its original transaction).
 */
public enum PurchaseState {
  PENDING, VERIFIED, ACKNOWLEDGED, RENEWED, EXPIRED, REFUNDED, REVOKED, REJECTED;

  private static final Map<PurchaseState, Set<PurchaseState>> LEGAL = Map.of(
      PENDING, EnumSet.of(VERIFIED, REJECTED, EXPIRED, REFUNDED, REVOKED),
      VERIFIED, EnumSet.of(ACKNOWLEDGED, RENEWED, EXPIRED, REFUNDED, REVOKED),
      ACKNOWLEDGED, EnumSet.of(RENEWED, EXPIRED, REFUNDED, REVOKED),
      RENEWED, EnumSet.of(ACKNOWLEDGED, RENEWED, EXPIRED, REFUNDED, REVOKED),
      EXPIRED, EnumSet.of(RENEWED, REFUNDED, REVOKED),
      REFUNDED, EnumSet.of(REVOKED),
      REVOKED, EnumSet.noneOf(PurchaseState.class),
      REJECTED, EnumSet.noneOf(PurchaseState.class));

  public boolean canMoveTo(PurchaseState next) {
    return LEGAL.get(this).contains(next);
  }

  /** The goods are granted in these states. */
  public boolean entitled() {
    return this == VERIFIED || this == ACKNOWLEDGED || this == RENEWED;
  }

  public boolean isFinal() {
    return LEGAL.get(this).isEmpty();
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PurchaseState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
