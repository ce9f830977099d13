package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.domain.shared.EventType;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The relays hear of new outbox events after the commit that added them, never from inside it, and never for a rollback. */
class OutboxNotifierTest {
  private static Engine engine;
  private static Connection listener;

  @BeforeAll
  static void start() throws Exception {
    engine = Engine.fresh();
    listener = engine.pool.getConnection();
    try (Statement s = listener.createStatement()) {
      s.execute("LISTEN " + Signals.OUTBOX_CHANNEL);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    listener.close();
    engine.close();
  }

  private static int notificationsWithin(long millis) throws Exception {
    PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications((int) millis);
    return got == null ? 0 : got.length;
  }

  private static OutboxEvent event() {
    return new OutboxEvent(UUID.randomUUID(), new EventType("parcel.sent"), "p-1", "{}", Map.of());
  }

  @Test
  void theRelaysAreNotifiedOnlyOnceTheTransactionThatAppendedEventsHasCommitted() throws Exception {
    notificationsWithin(200); // whatever earlier tests left
    CountDownLatch published = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);
    Thread writer = Thread.ofVirtual().start(() -> engine.unitOfWork.inTransaction(() -> {
      engine.outbox.publish(event());
      engine.outbox.publish(event());
      published.countDown();
      try {
        commit.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    assertTrue(published.await(10, TimeUnit.SECONDS));
    assertEquals(0, notificationsWithin(300), "nothing is sent while the events are not committed");
    commit.countDown();
    writer.join();
    assertTrue(notificationsWithin(5_000) >= 1, "the commit wakes the relays");
  }

  @Test
  void aRolledBackTransactionNotifiesNobody() throws Exception {
    notificationsWithin(200);
    assertThrows(IllegalStateException.class, () -> engine.unitOfWork.inTransaction(() -> {
      engine.outbox.publish(event());
      throw new IllegalStateException("the unit of work fails after publishing");
    }));
    assertEquals(0, notificationsWithin(500));
  }
}
