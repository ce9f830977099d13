package dev.relaybox.application.webhooks.port.in;

import dev.relaybox.application.webhooks.DeliveryAttempt;
import dev.relaybox.application.webhooks.WebhookEndpoint;
import dev.relaybox.application.webhooks.port.out.WebhookEndpoints.Health;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhook endpoints for the admin: create (the signing secret is returned this once), list with health, change,
 * delete, replay events since a time, and the delivery attempts.
 *
 * @throws ManagedEndpointException when a change targets an endpoint configured from the environment
 */
public interface ManageWebhookEndpointsUseCase {

  /** @return the new endpoint; its {@code secret} is shown to the caller this once */
  EndpointStatus create(WebhookEndpointCommand command);

  List<EndpointStatus> list();

  Optional<EndpointStatus> get(UUID id);

  Optional<EndpointStatus> update(UUID id, WebhookEndpointCommand patch);

  boolean delete(UUID id);

  /** @return how many deliveries were queued, or empty when there is no such endpoint */
  Optional<Integer> replay(UUID id, Instant since);

  Optional<List<DeliveryAttempt>> deliveries(UUID id, boolean failedOnly, int limit);

  /**
   * Gives the endpoint a new signing secret, shown this once; the old one keeps signing next to it until
   * {@code previousValidUntil}, so receivers can switch without refusing a delivery.
   *
   * @return empty when there is no such endpoint
   */
  Optional<RotatedSecret> rotateSecret(UUID id);

  record RotatedSecret(UUID endpointId, String secret, Instant previousValidUntil) {}

  record EndpointStatus(WebhookEndpoint endpoint, Health health) {}

  /** The endpoint is configured from the environment and can only be enabled or disabled here. */
  final class ManagedEndpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ManagedEndpointException(String message) {
      super(message, null, false, false);
    }
  }
}
