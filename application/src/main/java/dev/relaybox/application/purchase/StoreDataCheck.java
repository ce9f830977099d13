package dev.relaybox.application.purchase;

import dev.relaybox.application.purchase.port.out.AppStoreNotifications.AppleNotification;
import dev.relaybox.application.purchase.port.out.VerificationResult;
import dev.relaybox.domain.purchase.StoreTransaction;
import dev.relaybox.domain.shared.StorableText;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A store's signature proves who sent the data, not that it can be stored: a signed NUL character or a year past 9999
 * would fail in the database (a 500, and a webhook the store retries for days). Decoded store data is checked here with
 * the same rules as HTTP input ({@link StorableText}) and refused in words that name the field.
 */
final class StoreDataCheck {
  private StoreDataCheck() {}

  /** {@code result} itself, or a {@link VerificationResult.Rejected} when its transaction cannot be stored. */
  static VerificationResult screened(VerificationResult result) {
    if (result instanceof VerificationResult.Verified verified) {
      Optional<String> refusal = refusal(verified.transaction());
      if (refusal.isPresent()) {
        return new VerificationResult.Rejected(refusal.get());
      }
    }
    return result;
  }

  static Optional<String> refusal(StoreTransaction tx) {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("environment", tx.environment());
    texts.put("storeKey", tx.storeKey());
    texts.put("productId", tx.productId());
    texts.put("transactionId", tx.transactionId());
    texts.put("originalTransactionId", tx.originalTransactionId());
    texts.put("currency", tx.currency().orElse(null));
    texts.put("appAccountToken", tx.accountHint().orElse(null));
    texts.put("appId", tx.appId().orElse(null));
    texts.put("status detail", tx.statusDetail().orElse(null));
    Optional<String> text = firstRefusal(texts);
    if (text.isPresent()) {
      return text;
    }
    Optional<String> purchased = date("purchasedAt", tx.purchasedAt());
    return purchased.isPresent() ? purchased : date("expiresAt", tx.expiresAt());
  }

  static Optional<String> refusal(AppleNotification n) {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("notificationUUID", n.notificationUuid());
    texts.put("notificationType", n.type());
    texts.put("subtype", n.subtype());
    texts.put("environment", n.environment());
    texts.put("transaction", n.unusableTransaction().orElse(null));
    Optional<String> text = firstRefusal(texts);
    if (text.isPresent()) {
      return text;
    }
    Optional<String> tx = n.transaction().flatMap(StoreDataCheck::refusal);
    if (tx.isPresent()) {
      return tx.map(reason -> "signedTransactionInfo: " + reason);
    }
    // jsonb refuses the escape as well as the character
    if (n.decodedJson().contains("\\u0000") || StorableText.refusal(n.decodedJson()).isPresent()) {
      return Optional.of("store data: the decoded payload contains a NUL character or an unpaired surrogate, which cannot be stored");
    }
    return Optional.empty();
  }

  private static Optional<String> firstRefusal(Map<String, String> texts) {
    for (Map.Entry<String, String> e : texts.entrySet()) {
      Optional<String> refusal = StorableText.refusal(e.getValue());
      if (refusal.isPresent()) {
        return Optional.of("store data: " + e.getKey() + " " + refusal.get());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> date(String field, Optional<Instant> value) {
    return value.flatMap(StorableText::dateRefusal).map(reason -> "store data: " + field + " " + reason);
  }
}
