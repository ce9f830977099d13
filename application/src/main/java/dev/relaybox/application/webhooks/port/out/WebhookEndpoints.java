package dev.relaybox.application.webhooks.port.out;

import dev.relaybox.application.webhooks.DeliveryAttempt;
import dev.relaybox.application.webhooks.WebhookEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhook endpoints and their delivery attempts. Reads and single changes run in transactions of their own unless a
 * unit of work is open, in which case they join it.
 */
public interface WebhookEndpoints {

  void add(WebhookEndpoint endpoint);

  Optional<WebhookEndpoint> find(UUID id);

  Optional<WebhookEndpoint> findByName(String name);

  List<WebhookEndpoint> all();

  void update(WebhookEndpoint endpoint);

  /** Deletes the endpoint and cancels its waiting deliveries. @return false when there was none */
  boolean delete(UUID id, String deliverySubscription, Instant at);

  /** @return false when it already was disabled */
  boolean disable(UUID id, String reason, Instant at);

  /** Enables it and makes its waiting deliveries due now. @return how many deliveries were woken */
  int enable(UUID id, String deliverySubscription, String jobKeyPrefix, Instant at);

  /** Makes {@code secret} the signing secret; the one it replaces keeps signing until {@code previousValidUntil}. */
  void rotateSecret(UUID id, String secret, Instant previousValidUntil, Instant at);

  /** Records one attempt in a transaction of its own (a failure must be kept even though nothing else is written). */
  void record(DeliveryAttempt attempt);

  /** How many failed attempts event {@code eventId} has had at the endpoint since {@code since}. */
  int failuresSince(UUID endpointId, UUID eventId, Instant since);

  /** The newest attempts first; {@code failedOnly} keeps only failures. */
  List<DeliveryAttempt> attempts(UUID endpointId, boolean failedOnly, int limit);

  /** Per endpoint: attempts and failures in the last day, the last success, and deliveries waiting. */
  Health health(UUID endpointId, String deliverySubscription, String jobKeyPrefix, Instant now);

  record Health(int attemptsLastDay, int failuresLastDay, Optional<Instant> lastSuccessAt, Optional<Instant> lastFailureAt,
      long waiting) {}
}
