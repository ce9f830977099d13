package dev.relaybox.domain.purchase;

/** What the store says about a transaction, normalised across stores. */
public enum StoreStatus {
  /** Paid and in force (a subscription within its period, or in grace). */
  ACTIVE,
  /** Not paid yet (Google's pending purchases, deferred payments). */
  PENDING,
  /** Never paid: canceled before the payment completed (Google purchaseState 1, a canceled pending subscription). */
  CANCELED,
  /** A subscription past its end. */
  EXPIRED,
  /** Money returned. */
  REFUNDED,
  /** Access withdrawn without (or beyond) a refund. */
  REVOKED
}
