package dev.relaybox.adapters.persistence.jobs.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.jobs.JdbiJobStore;
import dev.relaybox.adapters.persistence.jobs.PgNotificationListener;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.runner.JobRunner;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A job runner in its own JVM, for tests that kill processes. The handler of {@code proc.work} records every run in
 * {@code processed}, after sleeping {@code workMillis}. Runs until killed or until stdin closes.
 *
 * <p>Arguments: jdbcUrl user node leaseMillis workMillis
 */
public final class RunnerProcessMain {
  public static final String SUBSCRIPTION = "proc.work";

  private RunnerProcessMain() {}

  public static void main(String[] args) throws Exception {
    JdbcTarget target = new JdbcTarget(args[0], Optional.of(args[1]), Optional.empty());
    String node = args[2];
    Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
    long workMillis = Long.parseLong(args[4]);
    var pool = ConnectionPool.open(target, 12);
    var jdbi = Databases.jdbi(pool);
    var listener = new PgNotificationListener(target);
    var subscription = new Subscription(SUBSCRIPTION, Optional.empty(), new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 5),
        16, false, Duration.ofSeconds(60));
    var runner = new JobRunner(new JdbiJobStore(jdbi, new ObjectMapper()), listener,
        List.of(new HandlerRegistration(subscription, job -> {
          if (workMillis > 0) {
            Thread.sleep(workMillis);
          }
          jdbi.useHandle(h -> h.createUpdate("INSERT INTO processed (job_id, node, attempt) VALUES (:id, :node, :attempt)")
              .bind("id", job.id()).bind("node", node).bind("attempt", job.attempt()).execute());
          return Outcome.done();
        })),
        RunnerSettings.defaults(node).withLease(lease).withPollInterval(Duration.ofMillis(200))
            .withMaintenanceInterval(Duration.ofMillis(300)).withShutdownGrace(Duration.ofSeconds(5)),
        Clock.systemUTC(), new SplittableRandom());
    listener.start();
    runner.start();
    System.out.println("runner " + node + " started");
    System.out.flush();
    while (System.in.read() != -1) {
      // block until the parent closes stdin or kills us
    }
    runner.close();
    listener.close();
    pool.close();
  }
}
