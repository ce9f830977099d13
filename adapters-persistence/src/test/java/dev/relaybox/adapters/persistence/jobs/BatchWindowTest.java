package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RelayResult;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.ForwardingJobStore;
import dev.relaybox.application.jobs.port.out.JobSignals;
import dev.relaybox.application.jobs.port.out.JobStore;
import dev.relaybox.application.jobs.runner.JobRunner;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batch window spaces the relay rounds that answer wake-ups, and only those: a node's fallback polls must not make
 * a wake-up after a quiet window wait, and a backlog is relayed batch after batch without waiting out the window.
 */
class BatchWindowTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  @Test
  void aWakeUpAfterAQuietWindowIsRelayedAtOnceThoughPollsRanMeanwhile() throws Exception {
    RelayCounting store = new RelayCounting(engine.store);
    AtomicReference<JobSignals.Listener> wakeUps = new AtomicReference<>();
    try (JobRunner runner = runner(store, wakeUps, Duration.ofMillis(100), Duration.ofSeconds(2), Subscription.forCommands("idle"))) {
      runner.start();
      Thread.sleep(2_500); // quiet for longer than the window, while the loop polls every 100 ms
      int pollsMeanwhile = store.rounds.get();

      long wokenAt = System.nanoTime();
      wakeUps.get().outboxAppended();
      Await.until("a relay round after the wake-up", () -> store.lastRoundStartedNanos.get() - wokenAt > 0);

      long tookMillis = Duration.ofNanos(store.lastRoundStartedNanos.get() - wokenAt).toMillis();
      assertTrue(pollsMeanwhile >= 5, "the loop polled while quiet: " + pollsMeanwhile + " rounds");
      assertTrue(tookMillis < 1_000, "relayed " + tookMillis + " ms after the wake-up; the last poll must not start the 2 s window");
    }
  }

  @Test
  void aBacklogIsRelayedBatchAfterBatchWithoutWaitingOutTheWindow() throws Exception {
    RelayCounting store = new RelayCounting(engine.store);
    engine.publishMany("backlog.event", 1_200); // three relay batches of at most 500
    try (JobRunner runner = runner(store, new AtomicReference<>(), Duration.ofMinutes(10), Duration.ofSeconds(30),
        Subscription.toEvents("backlog-reader", "backlog.event"))) {
      runner.start();
      Instant started = Instant.now();
      Await.until("all 1,200 events relayed", () -> store.events.get() >= 1_200);

      long tookMillis = Duration.between(started, Instant.now()).toMillis();
      assertTrue(tookMillis < 20_000, "relayed in " + tookMillis + " ms; a 30 s window between batches would take a minute");
    }
  }

  /** A runner on {@code store} whose wake-ups are handed to {@code wakeUps} instead of coming from PostgreSQL. */
  private static JobRunner runner(JobStore store, AtomicReference<JobSignals.Listener> wakeUps, Duration poll, Duration window,
      Subscription subscription) {
    RunnerSettings settings = RunnerSettings.defaults("node-a").withPollInterval(poll).withBatchWindow(window);
    return new JobRunner(store, wakeUps::set, List.of(handle(subscription, job -> Outcome.done())), settings, engine.clock,
        new SplittableRandom(3));
  }

  /** The real store, counting relay rounds and the events they fanned out. */
  private static final class RelayCounting extends ForwardingJobStore {
    final AtomicInteger rounds = new AtomicInteger();
    final AtomicInteger events = new AtomicInteger();
    final AtomicLong lastRoundStartedNanos = new AtomicLong(System.nanoTime());

    RelayCounting(JobStore delegate) {
      super(delegate);
    }

    @Override
    public RelayResult relay(int batchSize, Instant now) {
      lastRoundStartedNanos.set(System.nanoTime());
      rounds.incrementAndGet();
      RelayResult result = super.relay(batchSize, now);
      events.addAndGet(result.events());
      return result;
    }
  }
}
