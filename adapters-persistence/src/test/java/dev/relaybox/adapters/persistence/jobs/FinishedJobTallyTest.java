package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.webhooks.JdbiWebhookEndpoints;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.SubscriptionStats;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writes that cancel jobs outside the job admin (a settled payment's poll, a deleted webhook endpoint, adopted
 * legacy deliveries) and the replay of a cancelled job keep the counts of {@code /admin/stats}; {@link Engine} checks
 * the tally against the table after each test as well.
 */
class FinishedJobTallyTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  private final JdbiWebhookEndpoints endpoints = new JdbiWebhookEndpoints(engine.jdbi, engine.json);

  @Test
  void aCancelInsideAUseCaseTransactionIsCounted() {
    engine.enqueue(EnqueueJob.of("settle-poll", "{}").dedupeKey("tx-1"));
    engine.enqueue(EnqueueJob.of("settle-poll", "{}").dedupeKey("tx-2"));

    assertEquals(1, (int) engine.unitOfWork.inTransaction(() -> engine.jobs.cancel("settle-poll", "tx-1", "settled by webhook")));

    assertEquals(1, count("settle-poll", JobState.CANCELLED));
    assertEquals(1, count("settle-poll", JobState.AVAILABLE));
  }

  @Test
  void deletingAnEndpointCountsItsWaitingDeliveriesAsCancelled() {
    UUID endpoint = engine.webhookEndpoint();
    for (int i = 0; i < 3; i++) {
      engine.enqueue(EnqueueJob.of("webhook.delivery", "{}").key(endpoint + "|event-" + i));
    }
    engine.enqueue(EnqueueJob.of("webhook.delivery", "{}").key(UUID.randomUUID() + "|another-endpoint"));

    assertTrue(endpoints.delete(endpoint, "webhook.delivery", Instant.now()));

    assertEquals(3, count("webhook.delivery", JobState.CANCELLED));
    assertEquals(1, count("webhook.delivery", JobState.AVAILABLE));
  }

  @Test
  void adoptingLegacyDeliveriesCountsTheRetiredJobsAsCancelled() {
    UUID endpoint = engine.webhookEndpoint();
    for (int i = 0; i < 2; i++) {
      engine.publish("purchase.verified", "p-" + i);
    }
    engine.register(Subscription.toEvents("legacy.backend", "purchase.*"));
    engine.store.relay(100, Instant.now());
    assertEquals(2, count("legacy.backend", JobState.AVAILABLE));

    assertEquals(2, endpoints.adoptLegacyDeliveries("legacy.backend", endpoint, "adopted.delivery", Instant.now()));

    assertEquals(2, count("legacy.backend", JobState.CANCELLED));
    assertEquals(2, count("adopted.delivery", JobState.AVAILABLE));
  }

  @Test
  void replayingACancelledJobTakesItOffTheCancelledCount() {
    long id = engine.enqueue(EnqueueJob.of("replayed-after-cancel", "{}").runAt(Instant.now().plusSeconds(60)));
    assertTrue(engine.cancel(id, Instant.now()));
    assertEquals(1, count("replayed-after-cancel", JobState.CANCELLED));

    assertTrue(engine.admin.replay(id, Instant.now()));

    assertEquals(0, count("replayed-after-cancel", JobState.CANCELLED));
    assertEquals(1, count("replayed-after-cancel", JobState.AVAILABLE));
  }

  private static long count(String subscription, JobState state) {
    return engine.admin.stats(Instant.now()).stream()
        .filter(s -> s.subscription().equals(subscription))
        .map(SubscriptionStats::counts)
        .mapToLong(counts -> counts.getOrDefault(state, 0L))
        .sum();
  }
}
