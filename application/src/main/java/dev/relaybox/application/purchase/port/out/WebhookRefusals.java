package dev.relaybox.application.purchase.port.out;

/**
 * Store webhooks refused before anything about a purchase is known (a bad signature, a missing or wrong token).
 * Anyone can send those by the thousand, so they are counted and sampled, never written one row each into the
 * append-only audit trail, which keeps what concerns a real purchase.
 */
@FunctionalInterface
public interface WebhookRefusals {
  WebhookRefusals NONE = (store, reason) -> {};

  void refused(String store, String reason);
}
