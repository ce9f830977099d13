package dev.relaybox.application.webhooks.port.out;

import dev.relaybox.application.webhooks.DeliveryAttempt;
import dev.relaybox.application.webhooks.EventEnvelope;
import dev.relaybox.application.webhooks.WebhookEndpoint;

/** Told of every delivery attempt after it is recorded, e.g. to copy it into a context's own audit trail. */
@FunctionalInterface
public interface DeliveryListener {
  void attempted(WebhookEndpoint endpoint, EventEnvelope envelope, DeliveryAttempt attempt);

  static DeliveryListener none() {
    return (endpoint, envelope, attempt) -> {};
  }
}
