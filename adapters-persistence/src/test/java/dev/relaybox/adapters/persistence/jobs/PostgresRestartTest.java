package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.EmbeddedDatabase;
import dev.relaybox.adapters.persistence.shared.Migrations;
import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import dev.relaybox.application.jobs.port.out.JobSignals;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Postgres restart in the middle of a drain needs no manual step: pools reconnect, the listener reconnects and asks
 * everyone to look, jobs whose outcome could not be written come back through lease rescue, and none is lost. Runs on
 * its own server, since the shared test server must not be stopped.
 */
class PostgresRestartTest {

  /** Counts what the notification listener delivers. */
  private static final class Signals implements JobSignals.Listener {
    final AtomicInteger resyncs = new AtomicInteger();
    final AtomicInteger outboxAppended = new AtomicInteger();

    @Override public void outboxAppended() {
      outboxAppended.incrementAndGet();
    }

    @Override public void jobsAvailable(String subscription) {}

    @Override public void resync() {
      resyncs.incrementAndGet();
    }
  }

  @Test
  void runnersRideOutAPostgresRestartMidDrainAndLoseNoJob(@TempDir Path tmp) {
    Path data = tmp.resolve("postgres");
    EmbeddedDatabase database = EmbeddedDatabase.start(data);
    int port = database.port();
    HikariDataSource pool = ConnectionPool.open(database.target(), 10);
    Engine engine = new Engine(database.target(), pool, Clock.systemUTC());
    try {
      Migrations.apply(pool);
      engine.sql("CREATE TABLE processed (job_id bigint NOT NULL)");
      Signals signals = new Signals();
      PgNotificationListener listener = engine.listener();
      listener.listen(signals);
      Await.until("the listener connected", () -> signals.resyncs.get() >= 1);

      RetryPolicy patient = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 50);
      JobHandler record = job -> {
        Thread.sleep(5);
        engine.jdbi.useHandle(h -> h.execute("INSERT INTO processed (job_id) VALUES (?)", job.id()));
        return Outcome.done();
      };
      // A short lease, so jobs whose outcome was lost with the connection come back quickly.
      RunnerSettings settings = Engine.settings("node-r").withLease(Duration.ofSeconds(3))
          .withMaintenanceInterval(Duration.ofMillis(500));
      engine.runner(settings, listener, new SplittableRandom(), engine.clock,
          handle(Subscription.forCommands("restart-commands").withConcurrency(8).withRetry(patient), record),
          handle(Subscription.toEvents("restart-events", "parcel.*").withConcurrency(8).withRetry(patient), record));

      engine.enqueueMany("restart-commands", 1_000);
      engine.publishMany("parcel.moved", 1_000);
      Await.until("the drain is under way", () -> engine.count("SELECT count(*) FROM processed"), n -> n >= 300);

      database.close();
      sleep(Duration.ofSeconds(2));
      database = EmbeddedDatabase.start(data, port);

      // A loaded host takes a while to start PostgreSQL again and reconnect the pools; the default minute is too tight.
      Await.until("all 2,000 jobs are done after the restart", Duration.ofSeconds(180),
          () -> engine.count("SELECT count(*) FROM job WHERE state = 'done'"), n -> n == 2_000);
      Await.until("the listener reconnected", () -> signals.resyncs.get() >= 2);

      assertEquals(2_000, engine.count("SELECT count(*) FROM job"));
      assertEquals(2_000, engine.count("SELECT count(DISTINCT job_id) FROM processed"), "every job ran (at least once)");
      assertEquals(0, engine.count("SELECT count(*) FROM job WHERE state <> 'done' OR lease_owner IS NOT NULL"));
      assertEquals(0, engine.count("SELECT count(*) FROM outbox_event WHERE relayed_at IS NULL"));

      int before = signals.outboxAppended.get();
      engine.publish("parcel.delivered", "p-1");
      Await.until("a notification arrives on the reconnected listener", () -> signals.outboxAppended.get() > before);
      Await.until("the event published after the restart is done",
          () -> engine.count("SELECT count(*) FROM job WHERE state = 'done'"), n -> n == 2_001);
    } finally {
      engine.close();
      database.close();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
