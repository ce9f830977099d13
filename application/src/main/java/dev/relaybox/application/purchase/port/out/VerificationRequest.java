package dev.relaybox.application.purchase.port.out;

import dev.relaybox.domain.purchase.PurchaseKind;
import java.util.Objects;

/** What to ask a store about. */
public sealed interface VerificationRequest {

  /** A short, secret-free description for the audit trail. */
  String summary();

  record GooglePurchase(String packageName, String productId, String purchaseToken, PurchaseKind kind) implements VerificationRequest {
    public GooglePurchase {
      Objects.requireNonNull(packageName, "packageName");
      Objects.requireNonNull(productId, "productId");
      Objects.requireNonNull(purchaseToken, "purchaseToken");
      Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String summary() {
      return (kind == PurchaseKind.SUBSCRIPTION ? "purchases.subscriptionsv2.get " : "purchases.products.get ") + packageName
          + " " + productId + " token=" + abbreviate(purchaseToken);
    }
  }

  /** A StoreKit 2 signed transaction (JWS) the app sent. */
  record AppleSignedTransaction(String signedTransaction) implements VerificationRequest {
    public AppleSignedTransaction {
      Objects.requireNonNull(signedTransaction, "signedTransaction");
    }

    @Override
    public String summary() {
      return "verify signedTransaction (" + signedTransaction.length() + " chars)";
    }
  }

  /** A transaction id to look up with Get Transaction Info. */
  record AppleTransactionId(String transactionId) implements VerificationRequest {
    public AppleTransactionId {
      Objects.requireNonNull(transactionId, "transactionId");
    }

    @Override
    public String summary() {
      return "Get Transaction Info " + transactionId;
    }
  }

  private static String abbreviate(String token) {
    return token.length() <= 12 ? token : token.substring(0, 12) + "…";
  }
}
