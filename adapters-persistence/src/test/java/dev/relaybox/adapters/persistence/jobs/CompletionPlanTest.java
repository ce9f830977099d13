package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A claim reads only the jobs it takes, and a completion batch only its own jobs, whatever the statistics said when
 * the connection first ran them. A claim planned while the job table looked small sorted a sequential scan of all of
 * it (20,000 rows read to claim 20 in the test below). A completion plan made while the job table was empty (a fresh
 * install) scanned the whole table for every batch once it had grown: in a lab run at 1,000 requests/s it was
 * PostgreSQL's largest consumer (13 ms a batch, 13 s of statement time in 30 s). A plan made while the statistics
 * showed no running job drove the batch from every running job instead: the raw SQL ceiling of the benchmark fell from
 * ~25,000 to ~2,000 jobs/s.
 */
class CompletionPlanTest {
  private static final String SUBSCRIPTION = "plan-sink";
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  // Every completion of a test runs on the session that planned its first ones.
  private OneSession session;
  private JdbiJobStore store;

  @BeforeEach
  void emptyTableAndOneConnection() {
    engine.sql("TRUNCATE job, job_history");
    session = new OneSession(engine);
    store = new JdbiJobStore(session.jdbi, engine.json);
  }

  @AfterEach
  void closeTheConnection() {
    session.close();
  }

  @Test
  void aCompletionAfterTheTableGrewFromEmptyReadsItsOwnRowsNotTheWholeTable() {
    planWhileTheTableIsEmpty();

    engine.enqueueMany(SUBSCRIPTION, 20_000);
    List<JobRef> batch = claim(100);
    long read = rowsReadToComplete(batch);

    assertEquals(100, batch.size());
    assertTrue(read < 1_000, "the completion of 100 jobs read " + read + " rows of the job table");
  }

  @Test
  void aClaimAfterTheTableGrewFromEmptyReadsTheJobsItTakesNotTheWholeTable() {
    planWhileTheTableIsEmpty();

    engine.enqueueMany(SUBSCRIPTION, 20_000);
    long before = rowsRead();
    List<JobRef> batch = claim(20);
    long read = rowsRead() - before;

    assertEquals(20, batch.size());
    assertTrue(read < 1_000, "a claim of 20 jobs read " + read + " rows of the job table");
  }

  @Test
  void aCompletionWhileTheStatisticsShowNoRunningJobReadsItsOwnRowsNotEveryRunningJob() {
    engine.enqueueMany(SUBSCRIPTION, 20_000);
    engine.sql("ANALYZE job"); // every job still waiting: the statistics know no running one
    for (int i = 0; i < 10; i++) {
      assertEquals(List.of(), store.complete(claim(1), Instant.now()));
    }

    List<JobRef> running = new ArrayList<>();
    for (List<JobRef> claimed = claim(1_000); !claimed.isEmpty(); claimed = claim(1_000)) {
      running.addAll(claimed);
    }
    long read = rowsReadToComplete(running.subList(0, 1_000));

    assertEquals(19_990, running.size());
    assertTrue(read < 5_000, "the completion of 1,000 of " + running.size() + " running jobs read " + read + " rows of the job table");
  }

  /** Claims and completes one job at a time on a table the statistics call empty, so the session caches its plans. */
  private void planWhileTheTableIsEmpty() {
    engine.sql("ANALYZE job");
    for (int i = 0; i < 20; i++) {
      engine.enqueueMany(SUBSCRIPTION, 1);
      assertEquals(List.of(), store.complete(claim(1), Instant.now()));
    }
  }

  /** Rows of {@code job} that completing {@code batch} read, the batch completed in full. */
  private long rowsReadToComplete(List<JobRef> batch) {
    long before = rowsRead();
    assertEquals(List.of(), store.complete(batch, Instant.now()));
    return rowsRead() - before;
  }

  private List<JobRef> claim(int max) {
    Instant now = Instant.now();
    return store.claim(new ClaimRequest(SUBSCRIPTION, false, max, "node-a", now, now.plus(Duration.ofMinutes(1))))
        .stream().map(ClaimedJob::ref).toList();
  }

  private long rowsRead() {
    return session.rowsRead("job");
  }
}
