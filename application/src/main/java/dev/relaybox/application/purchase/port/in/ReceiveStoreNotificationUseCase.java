package dev.relaybox.application.purchase.port.in;

/**
 * Store webhooks: each is verified, deduplicated on the store's id, and stored with its audit line and an outbox event
 * in one transaction; the effect is applied later by a job.
 *
 * @throws PurchaseRejectedException when the signature or token is bad (answer 401; the rejection is audited)
 * @throws StoreNotConfiguredException when the store has no settings
 */
public interface ReceiveStoreNotificationUseCase {

  /** @return true when it was new, false for a replay (which has no further effect) */
  boolean receiveApple(String rawBody, String signedPayload);

  /** Checks a Pub/Sub push's OIDC token before its body is even read; a refusal is audited and thrown. */
  void authenticateGooglePush(java.util.Optional<String> bearerToken);

  /** Call only after {@link #authenticateGooglePush} accepted the request. */
  boolean receiveGoogle(String rawBody, GooglePush push);
}
