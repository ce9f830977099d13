package dev.relaybox.application.purchase.port.out;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The append-only audit trail. Nothing prunes it. */
public interface PurchaseAudit {

  /** Appends inside the caller's unit of work. */
  void append(AuditEntry entry);

  /** Appends in a transaction of its own, so a rejection is kept even when nothing else is written. */
  void appendAlone(AuditEntry entry);

  /** Every line about the purchase, or about its store key before the purchase existed, oldest first. */
  List<AuditEntry> history(UUID purchaseId, String store, String storeKey);

  /** How many delivery attempts event {@code eventId} has had since {@code since}. */
  int deliveryAttempts(UUID eventId, Instant since);
}
