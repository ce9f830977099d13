package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A delivery's read of its request with the lease check (assistance_requests_while_held) probes the requests it asks
 * for, whatever the statistics said when the session planned it. Planned while the table was small, it merge-joined
 * the ids to a walk of the whole primary key; request ids grow with time and deliveries ask for the newest, so each
 * read walked nearly every request (a fifth of PostgreSQL's CPU at 1,000 requests/s in a lab run).
 */
class HeldReadPlanTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  // The measured read runs on the session that planned the first ones.
  private OneSession session;

  @BeforeEach
  void emptyTableAndOneConnection() {
    engine.sql("TRUNCATE assistance_request");
    session = new OneSession(engine);
  }

  @AfterEach
  void closeTheConnection() {
    session.close();
  }

  @Test
  void aReadOfTheNewestRequestsAfterTheTableGrewFromSmallProbesThemNotTheWholeTable() {
    insertRequests(0, 300);
    engine.sql("ANALYZE assistance_request");
    for (int i = 0; i < 20; i++) {
      assertEquals(10, read(ids(290, 300)));
    }

    // No ANALYZE: it would make the session plan afresh. Until autovacuum's next one (at most once a minute per
    // table) the statistics still describe the small table.
    insertRequests(300, 60_000);
    long before = session.rowsRead("assistance_request");
    int found = read(ids(59_990, 60_000));
    long read = session.rowsRead("assistance_request") - before;

    assertEquals(10, found);
    assertTrue(read < 1_000, "a read of 10 requests read " + read + " rows of assistance_request");
  }

  /** Requests numbered [from, to), their ids in the order of their numbers as the app's time-ordered ids are. */
  private static void insertRequests(int from, int to) {
    engine.sql("""
        INSERT INTO assistance_request (id, topic, description, metadata, status, created_at)
        SELECT (lpad(to_hex(g), 8, '0') || '-0000-7000-8000-000000000000')::uuid, 'sales', 'a quote for 40 seats',
               '{"botId":"lb-7"}', 'pending', now()
        FROM generate_series(%d, %d) g""".formatted(from, to - 1));
  }

  private static List<UUID> ids(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(n -> UUID.fromString("%08x-0000-7000-8000-000000000000".formatted(n))).toList();
  }

  private int read(List<UUID> requests) {
    long[] none = new long[requests.size()];
    return session.jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM assistance_requests_while_held(:ids, :jobs, :tokens)")
        .bind("ids", requests.toArray(UUID[]::new))
        .bind("jobs", none)
        .bind("tokens", none)
        .mapTo(Integer.class).one());
  }
}
