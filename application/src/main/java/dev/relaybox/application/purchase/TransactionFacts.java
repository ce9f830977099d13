package dev.relaybox.application.purchase;

import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.purchase.StoreStatus;
import dev.relaybox.domain.purchase.StoreTransaction;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A verified {@link StoreTransaction} as flat strings, kept with a stored notification for its apply job. */
final class TransactionFacts {
  /** Why a verified notification's transaction cannot be applied (e.g. it names no transaction). */
  static final String UNUSABLE = "tx.unusable";

  private TransactionFacts() {}

  static Map<String, String> of(StoreTransaction tx) {
    Map<String, String> facts = new HashMap<>();
    facts.put("tx.store", tx.store().wire());
    facts.put("tx.environment", tx.environment());
    facts.put("tx.storeKey", tx.storeKey());
    facts.put("tx.productId", tx.productId());
    facts.put("tx.kind", tx.kind().wire());
    facts.put("tx.transactionId", tx.transactionId());
    facts.put("tx.originalTransactionId", tx.originalTransactionId());
    facts.put("tx.status", tx.status().name());
    facts.put("tx.acknowledged", Boolean.toString(tx.acknowledged()));
    tx.purchasedAt().ifPresent(v -> facts.put("tx.purchasedAt", v.toString()));
    tx.expiresAt().ifPresent(v -> facts.put("tx.expiresAt", v.toString()));
    tx.amountMicros().ifPresent(v -> facts.put("tx.amountMicros", v.toString()));
    tx.currency().ifPresent(v -> facts.put("tx.currency", v));
    tx.accountHint().ifPresent(v -> facts.put("tx.accountHint", v));
    tx.appId().ifPresent(v -> facts.put("tx.appId", v));
    tx.statusDetail().ifPresent(v -> facts.put("tx.statusDetail", v));
    return facts;
  }

  static Optional<StoreTransaction> from(Map<String, String> facts) {
    if (!facts.containsKey("tx.storeKey")) {
      return Optional.empty();
    }
    return Optional.of(new StoreTransaction(
        Store.fromWire(facts.get("tx.store")),
        facts.get("tx.environment"),
        facts.get("tx.storeKey"),
        facts.get("tx.productId"),
        PurchaseKind.fromWire(facts.get("tx.kind")),
        facts.get("tx.transactionId"),
        facts.get("tx.originalTransactionId"),
        StoreStatus.valueOf(facts.get("tx.status")),
        Optional.ofNullable(facts.get("tx.purchasedAt")).map(Instant::parse),
        Optional.ofNullable(facts.get("tx.expiresAt")).map(Instant::parse),
        Optional.ofNullable(facts.get("tx.amountMicros")).map(Long::parseLong),
        Optional.ofNullable(facts.get("tx.currency")),
        Boolean.parseBoolean(facts.get("tx.acknowledged")),
        Optional.ofNullable(facts.get("tx.accountHint")),
        Optional.ofNullable(facts.get("tx.appId")),
        Optional.ofNullable(facts.get("tx.statusDetail"))));
  }
}
