package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.ForwardingJobStore;
import dev.relaybox.application.jobs.port.out.JobSignals;
import dev.relaybox.application.jobs.port.out.JobStore;
import dev.relaybox.application.jobs.runner.JobRunner;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every claim is a statement and a round trip: a claim loop waits for jobs, not for its own handlers. A finished
 * job used to wake the loop that was idle for want of jobs, which then claimed nothing: one empty claim per job.
 */
class ClaimWakeUpsTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  @Test
  void jobsArrivingOneAtATimeCostOneClaimEachAndNoEmptyClaimAfterEveryFinishedJob() throws Exception {
    ClaimCounting store = new ClaimCounting(engine.store);
    AtomicReference<JobSignals.Listener> wakeUps = new AtomicReference<>();
    // The fallback poll is out of the picture: the loop claims only when woken.
    RunnerSettings settings = RunnerSettings.defaults("node-a").withPollInterval(Duration.ofMinutes(10));
    Subscription receipts = Subscription.forCommands("receipt-print");
    try (JobRunner runner = new JobRunner(store, wakeUps::set, List.of(handle(receipts, job -> Outcome.done())), settings,
        engine.clock, new SplittableRandom(7))) {
      runner.start();
      Await.until("the claim loop made its first claim", () -> store.claims.get() >= 1);
      Thread.sleep(200);
      int before = store.claims.get();

      int jobs = 10;
      for (int i = 0; i < jobs; i++) {
        long id = engine.enqueue(EnqueueJob.of("receipt-print", "{\"n\":" + i + "}"));
        wakeUps.get().jobsAvailable("receipt-print");
        Await.until("job " + id + " is done", () -> engine.state(id) == JobState.DONE);
      }
      Thread.sleep(300); // a stray wake-up after the last job would claim now

      assertEquals(jobs, store.claims.get() - before, "claim statements for " + jobs + " jobs arriving one at a time");
    }
  }

  /** The real store, counting claim statements. */
  private static final class ClaimCounting extends ForwardingJobStore {
    final AtomicInteger claims = new AtomicInteger();

    ClaimCounting(JobStore delegate) {
      super(delegate);
    }

    @Override
    public List<ClaimedJob> claim(ClaimRequest request) {
      claims.incrementAndGet();
      return super.claim(request);
    }
  }
}
