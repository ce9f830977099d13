package dev.relaybox.adapters.persistence.jobs;

import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.application.auth.port.out.KeyChanges;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.port.out.JobSignals;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on a dedicated connection outside the pool and turns notifications into wake-ups. When the connection
 * drops (a Postgres restart, a failover) it reconnects with backoff and then asks everyone to look, since
 * notifications sent while it was away are gone.
 */
public final class PgNotificationListener implements JobSignals, KeyChanges, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgNotificationListener.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final JdbcTarget target;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> keyReloads = new CopyOnWriteArrayList<>();
  private volatile boolean running;
  private volatile Connection connection;
  private Thread thread;

  public PgNotificationListener(JdbcTarget target) {
    this.target = target;
  }

  @Override
  public void listen(Listener listener) {
    listeners.add(listener);
  }

  @Override
  public void onChange(Runnable reload) {
    keyReloads.add(reload);
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().daemon().name("pg-listener").start(this::run);
  }

  private void run() {
    Duration backoff = Duration.ofMillis(100);
    boolean wasConnected = false;
    while (running) {
      try (Connection c = target.connect("relaybox-listener")) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + Signals.OUTBOX_CHANNEL);
          s.execute("LISTEN " + Signals.JOBS_CHANNEL);
          s.execute("LISTEN " + Signals.REVOKED_CHANNEL);
          s.execute("LISTEN " + Signals.KEYS_CHANNEL);
        }
        if (wasConnected) {
          LOG.info("notification listener reconnected");
        }
        wasConnected = true;
        backoff = Duration.ofMillis(100);
        listeners.forEach(Listener::resync);
        keyReloads.forEach(Runnable::run);
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications(500);
          if (notifications != null) {
            for (PGNotification n : notifications) {
              dispatch(n);
            }
          }
        }
      } catch (SQLException e) {
        if (!running) {
          return;
        }
        LOG.warn("notification listener lost its connection ({}); reconnecting in {} ms", e.getMessage(), backoff.toMillis());
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      } finally {
        connection = null;
      }
    }
  }

  private void dispatch(PGNotification n) {
    switch (n.getName()) {
      case Signals.OUTBOX_CHANNEL -> listeners.forEach(Listener::outboxAppended);
      case Signals.JOBS_CHANNEL -> listeners.forEach(l -> l.jobsAvailable(n.getParameter()));
      case Signals.REVOKED_CHANNEL -> revokedLease(n.getParameter()).ifPresent(lease -> listeners.forEach(l -> l.leaseRevoked(lease)));
      case Signals.KEYS_CHANNEL -> keyReloads.forEach(Runnable::run);
      default -> LOG.debug("ignoring notification on {}", n.getName());
    }
  }

  private static Optional<JobRef> revokedLease(String payload) {
    int colon = payload.indexOf(':');
    try {
      return Optional.of(new JobRef(Long.parseLong(payload.substring(0, colon)), Long.parseLong(payload.substring(colon + 1))));
    } catch (RuntimeException e) {
      LOG.debug("ignoring a malformed lease revocation '{}'", payload);
      return Optional.empty();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing is best effort; the thread exits on its own
      }
    }
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
