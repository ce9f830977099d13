package dev.relaybox.application.purchase.port.in;

import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.purchase.UserId;

import dev.relaybox.domain.shared.Violations;


import java.util.regex.Pattern;

/** {@code POST /v1/purchases/google}: which purchase, and whose. */
public record VerifyGooglePurchaseCommand(String packageName, String productId, String purchaseToken, PurchaseKind kind, UserId userId) {
  private static final Pattern PACKAGE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)+");
  private static final Pattern PRODUCT = Pattern.compile("[a-z0-9][a-z0-9._]{0,139}");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._\\-]{10,4096}");

  public static VerifyGooglePurchaseCommand of(String packageName, String productId, String purchaseToken, String type, String userId) {
    Violations violations = new Violations();
    check(violations, "packageName", packageName, PACKAGE, "must be an Android package name like com.example.app");
    check(violations, "productId", productId, PRODUCT, "must be a Play product id (lower-case letters, digits, '.', '_')");
    check(violations, "purchaseToken", purchaseToken, TOKEN, "must be the purchase token from Google Play Billing");
    PurchaseKind kind = null;
    if (type == null || type.isBlank()) {
      violations.add("type", "is required: product or subscription");
    } else if (type.equals("product") || type.equals("subscription")) {
      kind = PurchaseKind.fromWire(type);
    } else {
      violations.add("type", "must be product or subscription");
    }
    UserId user = violations.collect(() -> new UserId(userId));
    violations.throwIfAny();
    return new VerifyGooglePurchaseCommand(packageName, productId, purchaseToken, kind, user);
  }

  private static void check(Violations violations, String field, String value, Pattern format, String message) {
    if (value == null || value.isBlank()) {
      violations.add(field, "is required");
    } else if (!format.matcher(value).matches()) {
      violations.add(field, message);
    }
  }
}
