package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.domain.shared.EventType;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A use case's business rows and its outbox events and jobs commit together or not at all. */
class AtomicIntakeTest {
  private static Engine engine;

  @BeforeAll
  static void startEngine() {
    engine = Engine.fresh();
    engine.sql("CREATE TABLE shipment (order_id text PRIMARY KEY, carrier text NOT NULL)");
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @BeforeEach
  void emptyTables() {
    engine.sql("TRUNCATE shipment, outbox_event, job CASCADE");
  }

  private void saveShipment(String orderId) {
    engine.unitOfWork.currentHandle("test repository")
        .createUpdate("INSERT INTO shipment (order_id, carrier) VALUES (:id, 'dhl')")
        .bind("id", orderId)
        .execute();
  }

  private void publishShipped(String orderId) {
    engine.outbox.publish(new OutboxEvent(UUID.randomUUID(), new EventType("order.shipped"), orderId, "{\"order\":\"" + orderId + "\"}", Map.of()));
  }

  private long shipments() {
    return engine.count("SELECT count(*) FROM shipment");
  }

  private long events() {
    return engine.count("SELECT count(*) FROM outbox_event");
  }

  @Test
  void commitsTheBusinessRowAndTheOutboxEventTogether() {
    engine.unitOfWork.inTransaction(() -> {
      saveShipment("o-1");
      publishShipped("o-1");
    });

    assertEquals(1, shipments());
    assertEquals(1, events());
  }

  @Test
  void failureAfterTheBusinessInsertAndThePublishRollsBackBoth() {
    var failure = assertThrows(IllegalStateException.class, () -> engine.unitOfWork.inTransaction(() -> {
      saveShipment("o-2");
      publishShipped("o-2");
      throw new IllegalStateException("carrier rejected the label");
    }));

    assertEquals("carrier rejected the label", failure.getMessage());
    assertEquals(0, shipments());
    assertEquals(0, events());
  }

  @Test
  void failureAfterThePublishRollsBackTheBusinessRowWrittenBeforeIt() {
    assertThrows(IllegalStateException.class, () -> engine.unitOfWork.inTransaction(() -> {
      saveShipment("o-3");
      publishShipped("o-3");
      saveShipment("o-3b");
      throw new IllegalStateException("boom");
    }));

    assertEquals(0, shipments());
    assertEquals(0, events());
  }

  @Test
  void failingBusinessInsertAfterThePublishRollsBackTheOutboxEvent() {
    engine.unitOfWork.inTransaction(() -> saveShipment("o-4"));

    assertThrows(UnableToExecuteStatementException.class, () -> engine.unitOfWork.inTransaction(() -> {
      publishShipped("o-4");
      saveShipment("o-4"); // duplicate key
    }));

    assertEquals(1, shipments());
    assertEquals(0, events());
  }

  @Test
  void failureRollsBackDirectlyEnqueuedJobsToo() {
    assertThrows(IllegalStateException.class, () -> engine.unitOfWork.inTransaction(() -> {
      saveShipment("o-5");
      engine.jobs.enqueue(EnqueueJob.of("label-printer", "{}"));
      throw new IllegalStateException("boom");
    }));

    assertEquals(0, shipments());
    assertEquals(0, engine.count("SELECT count(*) FROM job"));
  }

  @Test
  void nestedUnitOfWorkJoinsTheOuterTransaction() {
    assertThrows(IllegalStateException.class, () -> engine.unitOfWork.inTransaction(() -> {
      engine.unitOfWork.inTransaction(() -> saveShipment("o-6"));
      engine.unitOfWork.inTransaction(() -> publishShipped("o-6"));
      throw new IllegalStateException("outer fails after the inner ones returned");
    }));

    assertEquals(0, shipments());
    assertEquals(0, events());
  }

  @Test
  void publishOutsideATransactionFailsInsteadOfCommittingOnItsOwn() {
    var failure = assertThrows(IllegalStateException.class, () -> publishShipped("o-7"));

    assertTrue(failure.getMessage().contains("inTransaction"), failure.getMessage());
    assertEquals(0, events());
  }

  @Test
  void enqueueOutsideATransactionFails() {
    assertThrows(IllegalStateException.class, () -> engine.jobs.enqueue(EnqueueJob.of("label-printer", "{}")));
    assertEquals(0, engine.count("SELECT count(*) FROM job"));
  }
}
