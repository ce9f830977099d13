package dev.relaybox.adapters.persistence.jobs;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes every node's relay after a commit that appended outbox events: one {@code pg_notify} in a transaction of its
 * own, never inside the intake's. PostgreSQL serialises the commits of notifying transactions (each holds a
 * database-wide lock from its NOTIFY until its commit is flushed), so a NOTIFY in every intake transaction kept those
 * commits from sharing a WAL flush. Signals that arrive while a NOTIFY is being sent are folded into one more.
 *
 * <p>A NOTIFY that is lost (this node dies between the commit and the send, or the database refuses it) costs
 * latency, not events: every relay also polls ({@code RELAYBOX_POLL_INTERVAL}).
 */
public final class OutboxNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxNotifier.class);

  private final Jdbi jdbi;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("outbox-notify").factory());
  private final AtomicBoolean requested = new AtomicBoolean();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();

  public OutboxNotifier(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Events were committed to the outbox: every relay should look soon. Never blocks. */
  public void outboxAppended() {
    requested.set(true);
    startSending();
  }

  private void startSending() {
    if (sending.compareAndSet(false, true)) {
      try {
        sender.execute(this::sendWhileRequested);
      } catch (RejectedExecutionException closed) {
        sending.set(false);
      }
    }
  }

  private void sendWhileRequested() {
    while (requested.getAndSet(false)) {
      send();
    }
    sending.set(false);
    if (requested.get()) {
      startSending(); // a signal that came after the last check and before sending was cleared
    }
  }

  private void send() {
    try {
      jdbi.useHandle(h -> h.createQuery("SELECT pg_notify(:channel, '')").bind("channel", Signals.OUTBOX_CHANNEL)
          .mapTo(String.class).one());
      if (failing.compareAndSet(true, false)) {
        LOG.info("outbox notifications are sent again");
      }
    } catch (RuntimeException e) {
      if (failing.compareAndSet(false, true)) {
        LOG.warn("could not notify the relays of new outbox events ({}); they find them at their next poll", e.toString());
      }
    }
  }

  @Override
  public void close() {
    sender.shutdown();
  }
}
