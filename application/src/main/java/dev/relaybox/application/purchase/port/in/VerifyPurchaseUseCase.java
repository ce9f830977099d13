package dev.relaybox.application.purchase.port.in;

import dev.relaybox.domain.purchase.Purchase;

/**
 * Verifies a purchase with its store synchronously. Every call to the store is audited, whatever its outcome.
 *
 * @throws StoreNotConfiguredException when the store has no settings
 * @throws StoreUnavailableException when the store cannot be reached (answer 503 with Retry-After)
 * @throws PurchaseRejectedException when the store or the signature refuses it
 * @throws PurchaseConflictException when the purchase belongs to another user
 */
public interface VerifyPurchaseUseCase {

  Purchase verifyGoogle(VerifyGooglePurchaseCommand command);

  Purchase verifyApple(VerifyApplePurchaseCommand command);
}
