package dev.relaybox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.jobs.JdbiJobStore;
import dev.relaybox.adapters.persistence.jobs.PgNotificationListener;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.runner.JobRunner;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import org.jdbi.v3.core.Jdbi;

/** One Relaybox node wired the way bootstrap wires it: pool, Jdbi, job store, LISTEN connection and runner. */
final class Engine implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final HikariDataSource pool;
  final Jdbi jdbi;
  final CountingJobStore store;
  final PgNotificationListener signals;
  final JobRunner runner;

  Engine(BenchDatabase db, BenchConfig config, JobHandler handler) {
    this.pool = db.pool(config.poolSize());
    this.jdbi = Databases.jdbi(pool);
    this.store = new CountingJobStore(new JdbiJobStore(jdbi, JSON));
    this.signals = new PgNotificationListener(db.target());
    Subscription subscription = subscription(config);
    this.runner = new JobRunner(store, signals, List.of(new HandlerRegistration(subscription, handler)),
        settings(config), Clock.systemUTC(), new SplittableRandom(42));
  }

  static Subscription subscription(BenchConfig config) {
    return Subscription.forCommands(BenchDatabase.SUBSCRIPTION).withConcurrency(config.concurrency());
  }

  static RunnerSettings settings(BenchConfig config) {
    return RunnerSettings.defaults("bench-node").withClaimBatch(config.claimBatch());
  }

  void start() {
    signals.start();
    runner.start();
  }

  @Override
  public void close() {
    runner.close();
    signals.close();
    pool.close();
  }
}
