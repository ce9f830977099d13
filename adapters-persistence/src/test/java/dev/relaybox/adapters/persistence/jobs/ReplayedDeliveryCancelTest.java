package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.assistance.JdbiAssistanceRequests;
import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replayed delivery of a failed assistance request restarts the request's route when its attempt begins, and an
 * operator may cancel that job at the same moment (attacker finding: 32 of 60 requests cancelled right after their
 * replay stayed pending for good, their job cancelled). Whichever of the two commits first, the request ends failed.
 */
class ReplayedDeliveryCancelTest {
  private static final String CANCELLED = "delivery cancelled by an operator";
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  private final JdbiAssistanceRequests requests = new JdbiAssistanceRequests(engine.unitOfWork, engine.jdbi);
  // Its own threads: the common pool has one worker on two cores, and both transactions must be open at once.
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void aCancelCommittedWhileTheRestartWaitsLeavesTheRequestFailed() throws Exception {
    UUID id = failedRequest();
    ClaimedJob replayed = replayedAttempt(id);
    CountDownLatch cancelling = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);

    CompletableFuture<Void> cancel = inTransaction(operatorCancel(replayed, id), cancelling, commit);
    assertTrue(cancelling.await(10, TimeUnit.SECONDS));
    CompletableFuture<Void> restart = inTransaction(() -> requests.restart(id, replayed.ref()), null, null);
    Await.until("the restart waits for the cancel's lock on the request", () -> waitingOnLocks() == 1);
    commit.countDown();
    cancel.get(10, TimeUnit.SECONDS);
    restart.get(10, TimeUnit.SECONDS);

    assertEquals("failed", status(id), "the cancelled attempt did not restart the request");
  }

  @Test
  void aRestartCommittedFirstIsFailedByTheCancel() throws Exception {
    UUID id = failedRequest();
    ClaimedJob replayed = replayedAttempt(id);
    CountDownLatch restarted = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);

    CompletableFuture<Void> restart = inTransaction(() -> requests.restart(id, replayed.ref()), restarted, commit);
    assertTrue(restarted.await(10, TimeUnit.SECONDS));
    CompletableFuture<Void> cancel = inTransaction(operatorCancel(replayed, id), null, null);
    Await.until("the cancel waits for the restart's lock on the request", () -> waitingOnLocks() == 1);
    commit.countDown();
    restart.get(10, TimeUnit.SECONDS);
    cancel.get(10, TimeUnit.SECONDS);

    assertEquals("failed", status(id));
    assertEquals(CANCELLED, engine.jdbi.withHandle(h -> h.createQuery("SELECT last_error FROM assistance_request WHERE id = :id")
        .bind("id", id).mapTo(String.class).one()));
  }

  /** The job admin's cancel and the delivery handler's hook, as the cancel's transaction runs them. */
  private Runnable operatorCancel(ClaimedJob replayed, UUID id) {
    return () -> {
      engine.admin.cancel(replayed.id(), Instant.now());
      requests.markAbandoned(id, CANCELLED);
    };
  }

  /**
   * {@code work} in a transaction on a thread of its own; with latches, the transaction counts {@code done} down after
   * the work and stays open until {@code commit}.
   */
  private CompletableFuture<Void> inTransaction(Runnable work, CountDownLatch done, CountDownLatch commit) {
    return CompletableFuture.runAsync(() -> engine.unitOfWork.inTransaction(() -> {
      work.run();
      if (done != null) {
        done.countDown();
        await(commit);
      }
    }), threads);
  }

  private static UUID failedRequest() {
    UUID id = UUID.randomUUID();
    engine.jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO assistance_request (id, topic, description, status, attempts, created_at, last_error)
            VALUES (:id, 'sales', 'replayed then cancelled', 'failed', 1, now(), 'slack rejected 404: no_service')""")
        .bind("id", id).execute());
    return id;
  }

  private static ClaimedJob replayedAttempt(UUID id) {
    engine.enqueue(EnqueueJob.of("assistance.delivery", "{}").key(id.toString()));
    return engine.claimOne("assistance.delivery", "node-a", Instant.now(), Duration.ofSeconds(30));
  }

  private static String status(UUID id) {
    return engine.jdbi.withHandle(h -> h.createQuery("SELECT status FROM assistance_request WHERE id = :id")
        .bind("id", id).mapTo(String.class).one());
  }

  private static long waitingOnLocks() {
    return engine.count("""
        SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%assistance_request%'""");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
