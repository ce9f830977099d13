package dev.relaybox.application.purchase.port.out;

import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.domain.purchase.PurchaseKind;

/** Tells Google Play the purchase was granted; without it Google refunds the purchase after three days. */
public interface PurchaseAcknowledger {

  /** {@code Done} when acknowledged (or already), {@code Retry} when Google is unreachable, {@code Fail} when refused. */
  Outcome acknowledge(String packageName, String productId, String purchaseToken, PurchaseKind kind);
}
