package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.adapters.persistence.webhooks.JdbiWebhookEndpoints;
import dev.relaybox.application.webhooks.DeliveryAttempt;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A webhook delivery's attempt record and its endpoint's deletion, at the same moment. */
class DeliveryAttemptRecordTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  private final JdbiWebhookEndpoints endpoints = new JdbiWebhookEndpoints(engine.jdbi, engine.json);

  @Test
  void anAttemptRecordedWhileItsEndpointIsBeingDeletedIsDroppedWithoutAnError() throws Exception {
    UUID endpoint = engine.webhookEndpoint();
    CompletableFuture<Void> recorded;
    try (Handle deleting = engine.jdbi.open()) {
      deleting.begin();
      deleting.createUpdate("DELETE FROM outbound_endpoint WHERE id = :id").bind("id", endpoint).execute();

      recorded = CompletableFuture.runAsync(() -> endpoints.record(attempt(endpoint)));
      Await.until("the record waits for the deleting transaction", () -> waitingOnALock() == 1);
      deleting.commit();
    }

    recorded.get(10, TimeUnit.SECONDS); // before: SQLSTATE 23503 from the foreign key
    assertEquals(0, attemptsOf(endpoint));
  }

  @Test
  void anAttemptRecordedBeforeItsEndpointIsDeletedGoesWithIt() {
    UUID endpoint = engine.webhookEndpoint();
    endpoints.record(attempt(endpoint));
    assertEquals(1, attemptsOf(endpoint));

    assertTrue(endpoints.delete(endpoint, "webhook.delivery", Instant.now()));

    assertEquals(0, attemptsOf(endpoint));
  }

  private static DeliveryAttempt attempt(UUID endpoint) {
    return new DeliveryAttempt(UUID.randomUUID(), endpoint, UUID.randomUUID(), "order.placed", Optional.empty(), 1, 200,
        true, "ok", 12, Instant.now());
  }

  private static long waitingOnALock() {
    return engine.jdbi.withHandle(h -> h.createQuery(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
        .mapTo(Long.class).one());
  }

  private static long attemptsOf(UUID endpoint) {
    return engine.jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM outbound_delivery WHERE endpoint_id = :id")
        .bind("id", endpoint).mapTo(Long.class).one());
  }
}
