package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A delivery's read of its requests with their lease checks (assistance_requests_while_held) probes the requests and
 * jobs it asks for, whatever the statistics said when the session planned it. Planned by cost while the table was
 * small, it merge-joined the ids to a walk of the whole primary key; request ids grow with time and deliveries ask for
 * the newest, so each read walked nearly every request (19 % of PostgreSQL's CPU samples at 1,000 requests/s in a lab
 * run on PostgreSQL 15). The session here uses generic plans from the first call, as a session does after five, and
 * autovacuum is off for both tables, so nothing plans the read again after the tables grow.
 */
class HeldReadPlanTest {
  private static final int REQUESTS = 60_000;
  private static final int JOBS = 20_000;
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  private OneSession session;

  @BeforeEach
  void emptyTablesAndOneConnectionThatPlansGenerically() {
    engine.sql("TRUNCATE assistance_request, job, job_history");
    engine.sql("ALTER TABLE assistance_request SET (autovacuum_enabled = off)");
    engine.sql("ALTER TABLE job SET (autovacuum_enabled = off)");
    session = new OneSession(engine);
    session.jdbi.useHandle(h -> h.execute("SET plan_cache_mode = force_generic_plan"));
  }

  @AfterEach
  void closeTheConnectionAndVacuumAgain() {
    session.close();
    engine.sql("ALTER TABLE assistance_request RESET (autovacuum_enabled)");
    engine.sql("ALTER TABLE job RESET (autovacuum_enabled)");
  }

  @Test
  void aReadPlannedOnAHandfulOfRowsProbesItsRowsAfterTheTablesGrew() {
    planOnThenGrowAndRead(3);
  }

  @Test
  void aReadPlannedOnAFewHundredRowsProbesItsRowsAfterTheTablesGrew() {
    planOnThenGrowAndRead(300);
  }

  private void planOnThenGrowAndRead(int small) {
    insertRequests(0, small);
    insertRunningJobs(0, small);
    engine.sql("ANALYZE assistance_request");
    engine.sql("ANALYZE job");
    int newest = Math.min(small, 10);
    for (int i = 0; i < 5; i++) {
      assertEquals(newest, read(small - newest, small));
    }

    // No ANALYZE: it would make the session plan afresh, as autovacuum's next one would.
    insertRequests(small, REQUESTS);
    insertRunningJobs(small, JOBS);
    long requestsBefore = session.rowsRead("assistance_request");
    long jobsBefore = session.rowsRead("job");
    int held = read(JOBS - 10, JOBS);
    long requestsRead = session.rowsRead("assistance_request") - requestsBefore;
    long jobsRead = session.rowsRead("job") - jobsBefore;

    assertEquals(10, held, "the ten leases are held");
    assertTrue(requestsRead < 1_000, "a read of 10 requests read " + requestsRead + " rows of assistance_request");
    assertTrue(jobsRead < 1_000, "the lease checks of 10 jobs read " + jobsRead + " rows of job");
  }

  /** Requests numbered [from, to), their ids in the order of their numbers as the app's time-ordered ids are. */
  private static void insertRequests(int from, int to) {
    engine.sql("""
        INSERT INTO assistance_request (id, topic, description, metadata, status, created_at)
        SELECT %s, 'sales', 'a quote for 40 seats', '{"botId":"lb-7"}', 'pending', now()
        FROM generate_series(%d, %d) g""".formatted(requestId("g"), from, to - 1));
  }

  /** Running jobs numbered [from, to), each its number as its id and its lease's token, keyed by the same request. */
  private static void insertRunningJobs(int from, int to) {
    engine.sql("""
        INSERT INTO job (id, subscription, seq, job_key, payload, headers, state, attempts, run_at, lease_owner,
                         lease_until, lease_token, created_at)
        OVERRIDING SYSTEM VALUE
        SELECT g, 'held-read', g, %s::text, '{}', '{}', 'running', 1, now(), 'node-a', now() + interval '1 hour', g, now()
        FROM generate_series(%d, %d) g""".formatted(requestId("g"), from, to - 1));
  }

  private static String requestId(String number) {
    return "(lpad(to_hex(%s), 8, '0') || '-0000-7000-8000-000000000000')::uuid".formatted(number);
  }

  /** Reads requests [from, to) under the leases of jobs with the same numbers; how many were found and held. */
  private int read(int from, int to) {
    UUID[] ids = IntStream.range(from, to)
        .mapToObj(n -> UUID.fromString("%08x-0000-7000-8000-000000000000".formatted(n))).toArray(UUID[]::new);
    long[] leases = IntStream.range(from, to).asLongStream().toArray();
    return session.jdbi.withHandle(h -> h.createQuery(
            "SELECT count(*) FILTER (WHERE t.held) FROM assistance_requests_while_held(:ids, :jobs, :tokens) AS t")
        .bind("ids", ids)
        .bind("jobs", leases)
        .bind("tokens", leases)
        .mapTo(Integer.class).one());
  }
}
