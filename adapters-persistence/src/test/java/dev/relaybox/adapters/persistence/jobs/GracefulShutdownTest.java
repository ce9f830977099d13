package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobHistoryEntry;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.runner.JobRunner;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Closing a runner lets in-flight jobs finish within the grace, and hands back the rest instead of leaving them leased. */
class GracefulShutdownTest {
  private static final String NODE = "node-stopping";
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  @Test
  void closeLetsJobsFinishWithinGraceAndInterruptsTheRestBackToAvailable() throws Exception {
    Subscription subscription = Subscription.forCommands("shutdown-jobs").withConcurrency(4)
        .withRetry(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 5));
    List<Long> quick = List.of(
        engine.enqueue(EnqueueJob.of("shutdown-jobs", "{}").key("quick")),
        engine.enqueue(EnqueueJob.of("shutdown-jobs", "{}").key("quick")));
    List<Long> stuck = List.of(
        engine.enqueue(EnqueueJob.of("shutdown-jobs", "{}").key("stuck")),
        engine.enqueue(EnqueueJob.of("shutdown-jobs", "{}").key("stuck")));
    CountDownLatch allStarted = new CountDownLatch(4);
    AtomicInteger runs = new AtomicInteger();
    JobRunner runner = engine.runner(Engine.settings(NODE).withShutdownGrace(Duration.ofSeconds(5)),
        handle(subscription, job -> {
          runs.incrementAndGet();
          allStarted.countDown();
          allStarted.await();
          Thread.sleep(job.key().orElseThrow().equals("quick") ? 500 : 60_000);
          return Outcome.done();
        }));
    assertTrue(allStarted.await(30, TimeUnit.SECONDS), "all four jobs started");

    runner.close();

    for (long id : quick) {
      JobDetail detail = engine.detail(id);
      assertEquals(JobState.DONE, detail.summary().state(), "job " + id + " finished within the grace");
      assertEquals(1, detail.summary().attempts());
    }
    for (long id : stuck) {
      JobDetail detail = engine.detail(id);
      assertEquals(JobState.AVAILABLE, detail.summary().state(), "job " + id + " was interrupted and went back: " + detail);
      assertEquals(Optional.empty(), detail.summary().leaseOwner());
      assertEquals(1, detail.summary().attempts());
      assertEquals(1, detail.history().size(), detail.history().toString());
      JobHistoryEntry retry = detail.history().getFirst();
      assertEquals("error", retry.kind());
      assertEquals(1, retry.attempt());
      assertEquals(Optional.of(NODE), retry.node());
    }
    assertEquals(0, engine.count("SELECT count(*) FROM job WHERE state = 'running' OR lease_owner = ?", NODE));
    assertEquals(4, runs.get(), "nothing ran after close");
  }

  @Test
  void closeWithNothingInFlightReturnsPromptlyAndLeavesQueuedJobsAvailable() {
    Subscription subscription = Subscription.forCommands("idle-shutdown");
    JobRunner runner = engine.runner(Engine.settings(NODE), handle(subscription, job -> Outcome.done()));
    runner.close();

    long id = engine.enqueue(EnqueueJob.of("idle-shutdown", "{}"));

    assertEquals(JobState.AVAILABLE, engine.state(id));
    assertEquals(0, engine.detail(id).summary().attempts());
  }
}
