package dev.relaybox.application.purchase.port.in;

import dev.relaybox.domain.purchase.UserId;

import dev.relaybox.domain.shared.Violations;


import java.util.Optional;
import java.util.regex.Pattern;

/** {@code POST /v1/purchases/apple}: exactly one of a StoreKit 2 signed transaction or a transaction id, and the user. */
public record VerifyApplePurchaseCommand(Optional<String> signedTransaction, Optional<String> transactionId, UserId userId) {
  private static final Pattern JWS = Pattern.compile("[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+");
  private static final Pattern TRANSACTION_ID = Pattern.compile("[0-9]{1,32}");

  public static VerifyApplePurchaseCommand of(String signedTransaction, String transactionId, String userId) {
    Violations violations = new Violations();
    boolean hasJws = signedTransaction != null && !signedTransaction.isBlank();
    boolean hasId = transactionId != null && !transactionId.isBlank();
    if (hasJws == hasId) {
      violations.add("signedTransaction", "send exactly one of signedTransaction or transactionId");
    } else if (hasJws && (signedTransaction.length() > 32_768 || !JWS.matcher(signedTransaction).matches())) {
      violations.add("signedTransaction", "must be a compact JWS (three base64url parts)");
    } else if (hasId && !TRANSACTION_ID.matcher(transactionId).matches()) {
      violations.add("transactionId", "must be an App Store transaction id (digits)");
    }
    UserId user = violations.collect(() -> new UserId(userId));
    violations.throwIfAny();
    return new VerifyApplePurchaseCommand(hasJws ? Optional.of(signedTransaction) : Optional.empty(),
        hasId ? Optional.of(transactionId) : Optional.empty(), user);
  }
}
