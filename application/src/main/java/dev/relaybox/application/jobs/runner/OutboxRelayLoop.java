package dev.relaybox.application.jobs.runner;

import dev.relaybox.application.jobs.RelayResult;
import dev.relaybox.application.jobs.port.out.JobStore;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans committed outbox events out into jobs, batch after batch while there is a backlog, then sleeps until woken.
 * Rounds that answer a wake-up are spaced a batch window apart: every node hears every node's wake-ups, and a relay
 * per wake-up would run one transaction per event at moderate rates.
 * While another node relays, this one skips: the other node was woken by the same NOTIFY and keeps going while
 * there is a backlog, and this loop looks again at its next wake-up or poll.
 */
final class OutboxRelayLoop {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayLoop.class);

  private final JobStore store;
  private final RunnerSettings settings;
  private final Clock clock;
  private final Consumer<String> jobsCreatedFor;
  private final Wakeup wakeup = new Wakeup();
  private final RoundSpacing spacing;
  private final OutageLog outage = new OutageLog(LOG, "relaying the outbox");
  private volatile boolean running = true;
  private Thread loop;

  OutboxRelayLoop(JobStore store, RunnerSettings settings, Clock clock, Consumer<String> jobsCreatedFor) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.jobsCreatedFor = jobsCreatedFor;
    this.spacing = new RoundSpacing(settings.batchWindow());
  }

  void start() {
    loop = Thread.ofVirtual().name("outbox-relay").start(this::relayLoop);
  }

  void wake() {
    wakeup.signal();
  }

  void stop() throws InterruptedException {
    running = false;
    wakeup.signal();
    if (loop != null) {
      loop.join(settings.pollInterval().multipliedBy(2).plusSeconds(5));
    }
  }

  private void relayLoop() {
    boolean woken = false;
    while (running) {
      // Only a round that answers a wake-up is spaced: a poll or the next batch of a backlog must neither wait out the
      // window nor count as a round, or a quiet node's polls would delay its next wake-up and a backlog would be
      // relayed one batch per window.
      if (woken) {
        try {
          spacing.awaitTurn();
        } catch (InterruptedException e) {
          continue; // stop() sets running to false and signals; an interrupt alone changes nothing
        }
      }
      boolean more = false;
      try {
        RelayResult result = store.relay(settings.relayBatch(), clock.instant());
        outage.succeeded();
        result.jobsBySubscription().keySet().forEach(jobsCreatedFor);
        more = result.events() >= settings.relayBatch();
      } catch (RuntimeException e) {
        outage.failed(e);
      }
      woken = !more && wakeup.await(settings.pollInterval());
    }
  }
}
