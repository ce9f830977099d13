package dev.relaybox.adapters.persistence.jobs.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.jobs.JdbiJobs;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.Migrations;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Job runners in separate JVMs on one database: no loss, no double completion, recovery after SIGKILL. */
class RunnerProcessesTest {
  private JdbcTarget target;
  private HikariDataSource pool;
  private Jdbi jdbi;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    target = TestDatabase.freshDatabase();
    pool = ConnectionPool.open(target, 4);
    Migrations.apply(pool);
    jdbi = Databases.jdbi(pool);
    jdbi.useHandle(h -> h.execute("CREATE TABLE processed (job_id bigint NOT NULL, node text NOT NULL, attempt int NOT NULL)"));
  }

  @AfterEach
  void tearDown() {
    processes.forEach(Process::destroyForcibly);
    pool.close();
  }

  @Test
  void twoRunnerProcessesDrainTwentyThousandJobsWithNothingLostAndNothingDoneTwice() throws Exception {
    // Both runners are up before the work arrives: a runner that started seconds before the other on a loaded host
    // could drain all of it alone, and this test is about two sharing it.
    start("node-a", 30_000, 0);
    start("node-b", 30_000, 0);
    awaitStarted("node-a", Duration.ofSeconds(120));
    awaitStarted("node-b", Duration.ofSeconds(120));
    enqueue(20_000);

    awaitCount("SELECT count(*) FROM job WHERE state = 'done'", 20_000, Duration.ofSeconds(180));
    assertEquals(20_000, count("SELECT count(*) FROM processed"));
    assertEquals(20_000, count("SELECT count(DISTINCT job_id) FROM processed"));
    assertEquals(2, count("SELECT count(DISTINCT node) FROM processed"), "both processes took part");
  }

  @Test
  void aJobOfARunnerKilledWithSigkillRunsAgainAfterItsLeaseExpires() throws Exception {
    enqueue(1);
    Process doomed = start("doomed", 2_000, 60_000);
    // Generous: a JVM can take that long to start on a loaded 2-core machine (CI shares it with other builds).
    awaitCount("SELECT count(*) FROM job WHERE state = 'running' AND lease_owner = 'doomed'", 1, Duration.ofSeconds(120));
    doomed.destroyForcibly().waitFor();

    // The survivor's own lease is long: a stall of the loaded host must not let it rescue its own attempt too. The
    // doomed runner's 2 s lease is the one whose expiry this test waits for.
    start("survivor", 30_000, 0);
    awaitCount("SELECT count(*) FROM job WHERE state = 'done'", 1, Duration.ofSeconds(60));

    assertEquals(2, count("SELECT attempts FROM job"), "the killed attempt counts");
    assertEquals(1, count("SELECT count(*) FROM processed WHERE node = 'survivor' AND attempt = 2"));
    assertEquals(1, count("SELECT count(*) FROM job_history WHERE kind = 'lease_expired' AND node = 'doomed' AND attempt = 1"),
        "the expired lease is in the history");
  }

  private void enqueue(int jobs) {
    var unitOfWork = new JdbiUnitOfWork(jdbi);
    var queue = new JdbiJobs(unitOfWork, new ObjectMapper(), Clock.systemUTC());
    for (int from = 0; from < jobs; from += 1_000) {
      int to = Math.min(jobs, from + 1_000);
      int first = from;
      unitOfWork.inTransaction(() -> {
        for (int i = first; i < to; i++) {
          queue.enqueue(EnqueueJob.of(RunnerProcessMain.SUBSCRIPTION, "{\"n\":" + i + "}"));
        }
      });
    }
  }

  private Process start(String node, long leaseMillis, long workMillis) throws IOException {
    Files.deleteIfExists(log(node));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        RunnerProcessMain.class.getName(), target.jdbcUrl(), target.user().orElse("postgres"), node,
        Long.toString(leaseMillis), Long.toString(workMillis))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()))
        .start();
    processes.add(process);
    return process;
  }

  private static Path log(String node) {
    return Path.of("target", "runner-" + node + ".log");
  }

  private void awaitStarted(String node, Duration max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!(Files.exists(log(node)) && Files.readString(log(node)).contains("runner " + node + " started"))) {
      assertTrue(System.nanoTime() < deadline, node + " did not start; see " + log(node));
      assertTrue(processes.stream().allMatch(Process::isAlive), "a runner process died on its own; see target/runner-*.log");
      Thread.sleep(100);
    }
  }

  private long count(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  private void awaitCount(String sql, long expected, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long last = -1;
    while (System.nanoTime() < deadline) {
      last = count(sql);
      if (last >= expected) {
        return;
      }
      for (Process p : processes) {
        assertTrue(p.isAlive() || p.exitValue() == 137 || p.exitValue() == 143 || !p.equals(processes.getLast()),
            "a runner process died on its own; see target/runner-*.log");
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + sql + " to reach " + expected + " (last " + last + ")");
  }
}
