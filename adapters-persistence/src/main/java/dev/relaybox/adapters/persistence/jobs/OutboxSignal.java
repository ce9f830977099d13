package dev.relaybox.adapters.persistence.jobs;

import dev.relaybox.application.jobs.runner.OutageLog;
import dev.relaybox.application.jobs.runner.RoundSpacing;
import dev.relaybox.application.jobs.runner.Wakeup;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the outbox relays (on every node, through {@code NOTIFY relaybox_outbox}) after outbox events commit, from a
 * thread of its own and outside the transactions that appended them.
 *
 * <p>Why not {@code pg_notify} inside the appending transaction: PostgreSQL takes one database-wide lock for the commit
 * of every notifying transaction and holds it through the WAL flush, so notifying commits run one at a time. Under load
 * the intake writers of every node queued on it ({@code Lock:object} on {@code COMMIT} in {@code pg_stat_activity}) and
 * their commits could not share a flush. Here the intake commits take no such lock; this signal sends one NOTIFY at a
 * time, folding every commit that happened meanwhile into it, in a transaction of its own with
 * {@code synchronous_commit = off} (a notification is not durable anyway), so the lock is held for microseconds.
 *
 * <p>NOTIFYs are spaced a batch window apart ({@code RELAYBOX_BATCH_WINDOW}): the first commit after a quiet window is
 * signalled at once, later ones fold into the next NOTIFY, so every node's relay wakes once per window at most
 * instead of once per request.
 *
 * <p>A signal lost to a crash or a database error between a commit and its NOTIFY delays relaying until the relays'
 * next poll ({@code RELAYBOX_POLL_INTERVAL}); the events themselves are committed and nothing is lost.
 */
public final class OutboxSignal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxSignal.class);
  private static final Duration AFTER_FAILURE = Duration.ofMillis(200);
  private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

  private final Jdbi jdbi;
  private final Wakeup raised = new Wakeup();
  private final RoundSpacing spacing;
  private final OutageLog outage = new OutageLog(LOG, "sending outbox wake-ups (the relays find the events at their next poll)");
  private volatile boolean running = true;
  private final Thread sender;

  public OutboxSignal(Jdbi jdbi, Duration window) {
    this.jdbi = jdbi;
    this.spacing = new RoundSpacing(window);
    this.sender = Thread.ofVirtual().name("outbox-signal").start(this::sendLoop);
  }

  /** Events were committed: the relays should look. Cheap and non-blocking; repeated calls fold into one NOTIFY. */
  void committed() {
    raised.signal();
  }

  private void sendLoop() {
    while (running) {
      if (!raised.await(IDLE_CHECK) || !running) {
        continue;
      }
      try {
        spacing.awaitTurn();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        jdbi.useTransaction(h -> h.createQuery("""
                SELECT pg_notify(:channel, '') FROM (SELECT set_config('synchronous_commit', 'off', true)) local_setting""")
            .bind("channel", Signals.OUTBOX_CHANNEL)
            .mapTo(String.class)
            .one());
        outage.succeeded();
      } catch (RuntimeException e) {
        outage.failed(e);
        raised.signal(); // try again after a pause, so the relays may hear of these events before their poll
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(AFTER_FAILURE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    raised.signal();
    try {
      sender.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
