package dev.relaybox.application.purchase.port.out;

import dev.relaybox.domain.purchase.Store;

/** One store's verification of purchases. Implementations never throw for a store's answer; they return it. */
public interface PurchaseVerifier {

  Store store();

  VerificationResult verify(VerificationRequest request);
}
