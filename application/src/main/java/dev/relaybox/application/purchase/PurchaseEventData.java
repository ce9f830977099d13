package dev.relaybox.application.purchase;

import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.PurchaseEvent;
import dev.relaybox.domain.purchase.Store;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The normalised purchase event, the same for both stores, as the fields {@link
 * dev.relaybox.application.jobs.port.out.Payloads} writes. Fields a store did not give are left out, except the two
 * transaction ids, which the API shows as {@code null} (never an empty string).
 */
final class PurchaseEventData {
  private PurchaseEventData() {}

  static Map<String, Object> of(UUID eventId, PurchaseEvent event) {
    Purchase p = event.purchase();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("purchaseId", p.id().toString());
    data.put("userId", p.userId().orElseThrow());
    p.appAccountToken().ifPresent(v -> data.put("appAccountToken", v));
    data.put("store", p.store().wire());
    data.put("environment", p.environment());
    data.put("productId", p.productId());
    data.put("kind", p.kind().wire());
    data.put("state", p.state().wire());
    data.put("transactionId", blankAsNull(p.transactionId()));
    data.put("originalTransactionId", blankAsNull(p.originalTransactionId()));
    if (p.store() == Store.GOOGLE) {
      data.put("purchaseToken", p.storeKey());
    }
    p.purchasedAt().map(Instant::toString).ifPresent(v -> data.put("purchasedAt", v));
    p.expiresAt().map(Instant::toString).ifPresent(v -> data.put("expiresAt", v));
    p.amountMicros().ifPresent(v -> data.put("amountMicros", v));
    p.currency().ifPresent(v -> data.put("currency", v));
    data.put("acknowledged", p.acknowledged());

    Map<String, Object> document = new LinkedHashMap<>();
    document.put("id", eventId.toString());
    document.put("type", event.type().value());
    document.put("occurredAt", event.occurredAt().toString());
    document.put("data", data);
    return document;
  }

  private static String blankAsNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
