package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.port.out.JobSignals;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.domain.shared.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relays hear of committed outbox events through a NOTIFY sent after the commit, from outside the appending
 * transaction (so intake commits never queue on PostgreSQL's notify lock), and never of rolled-back ones. That the
 * intake commits no longer wait on that lock is measured, not asserted: the fleet benchmark samples lock waits.
 */
class OutboxSignalTest {
  private static Engine engine;
  private final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
  private PgNotificationListener listener;

  @BeforeAll
  static void startEngine() {
    engine = Engine.fresh();
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @BeforeEach
  void listen() throws Exception {
    listener = new PgNotificationListener(engine.target);
    listener.listen(new JobSignals.Listener() {
      @Override public void outboxAppended() {
        heard.add("outbox");
      }

      @Override public void jobsAvailable(String subscription) {}

      @Override public void resync() {}

      @Override public void leaseRevoked(JobRef lease) {}
    });
    listener.start();
    // The listener connects on a thread of its own: its LISTEN is in place once a NOTIFY sent now comes back.
    long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    do {
      engine.sql("SELECT pg_notify('relaybox_outbox', '')");
    } while (heard.poll(100, TimeUnit.MILLISECONDS) == null && System.nanoTime() < giveUpAt);
    assertTrue(System.nanoTime() < giveUpAt, "the listener is listening");
    // Earlier probes may still be on their way (a loaded host delivers them late): the tests start from a quiet second.
    while (heard.poll(1, TimeUnit.SECONDS) != null) {
      // an earlier probe's echo
    }
  }

  @AfterEach
  void stopListening() {
    listener.close();
  }

  private void publish(String key) {
    engine.outbox.publish(new OutboxEvent(UUID.randomUUID(), new EventType("order.shipped"), key, "{}", Map.of()));
  }

  @Test
  void aCommittedEventWakesTheRelays() throws Exception {
    engine.unitOfWork.inTransaction(() -> {
      publish("o-1");
      return null;
    });

    assertEquals("outbox", heard.poll(10, TimeUnit.SECONDS), "a wake-up after the commit");
  }

  @Test
  void aRolledBackEventWakesNobody() throws Exception {
    assertThrows(IllegalStateException.class, () -> engine.unitOfWork.inTransaction(() -> {
      publish("o-3");
      throw new IllegalStateException("the use case failed after publishing");
    }));

    assertEquals(null, heard.poll(1, TimeUnit.SECONDS), "no wake-up for an event that was never committed");
  }

  @Test
  void aBurstOfCommitsIsSignalledWithFewerWakeUpsThanCommitsAtMost() throws Exception {
    List<Future<?>> commits = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 200; i++) {
        String key = "burst-" + i;
        commits.add(threads.submit(() -> engine.unitOfWork.inTransaction(() -> {
          publish(key);
          return null;
        })));
      }
      for (Future<?> commit : commits) {
        commit.get(30, TimeUnit.SECONDS);
      }
    }
    // Commits that happen while a wake-up is being sent fold into the next one.
    int signals = 0;
    while (heard.poll(1, TimeUnit.SECONDS) != null) {
      signals++;
    }
    assertTrue(signals >= 1, "the burst was signalled");
    assertTrue(signals <= 200, "never more wake-ups than commits: " + signals);
  }

  @Test
  void commitsInQuickSuccessionShareOneWakeUpPerBatchWindow() throws Exception {
    Duration window = Duration.ofMillis(250);
    try (OutboxSignal spaced = new OutboxSignal(engine.jdbi, window)) {
      JdbiOutbox outbox = new JdbiOutbox(engine.unitOfWork, engine.json, engine.clock, spaced);
      long start = System.nanoTime();
      int commits = 0;
      while (System.nanoTime() - start < Duration.ofMillis(1_500).toNanos()) {
        String key = "paced-" + commits++;
        engine.unitOfWork.inTransaction(() -> {
          outbox.publish(new OutboxEvent(UUID.randomUUID(), new EventType("order.shipped"), key, "{}", Map.of()));
          return null;
        });
        Thread.sleep(5);
      }
      long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
      int signals = 0;
      while (heard.poll(1, TimeUnit.SECONDS) != null) {
        signals++;
      }

      // One at once, then at most one per window; each commit alone would have been its own NOTIFY.
      long most = 2 + elapsedMillis / window.toMillis();
      assertTrue(signals >= 1, "the commits were signalled");
      assertTrue(signals <= most, signals + " wake-ups for " + commits + " commits in " + elapsedMillis + " ms; at most " + most);
    }
  }
}
