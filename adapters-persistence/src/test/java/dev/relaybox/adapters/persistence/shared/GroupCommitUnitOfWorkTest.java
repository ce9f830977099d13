package dev.relaybox.adapters.persistence.shared;

import dev.relaybox.application.jobs.runner.RunnerSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.jobs.JacksonPayloads;
import dev.relaybox.adapters.persistence.assistance.JdbiAssistanceRequests;
import dev.relaybox.adapters.persistence.assistance.JdbiIdempotencyKeys;
import dev.relaybox.adapters.persistence.jobs.JdbiOutbox;
import dev.relaybox.adapters.persistence.jobs.OutboxSignal;
import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import dev.relaybox.application.assistance.AssistanceService;
import dev.relaybox.application.assistance.RoutingTable;
import dev.relaybox.application.assistance.port.in.AssistanceReceipt;
import dev.relaybox.application.assistance.port.in.RequestAssistanceCommand;
import dev.relaybox.application.jobs.port.out.NotCommittedException;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit against a real PostgreSQL, with the faults it exists to survive. Every test ends with the same check:
 * each caller that got an answer has its row stored exactly once, each caller that got an error has none.
 * {@code intake_row} has no key on purpose, so work that ran twice would show twice.
 */
class GroupCommitUnitOfWorkTest {
  /** The production defaults: RELAYBOX_INTAKE_WRITERS, the batch size, RELAYBOX_INTAKE_TIMEOUT, RELAYBOX_INTAKE_LOCK_TIMEOUT. */
  static final GroupCommitUnitOfWork.Settings DEFAULTS =
      new GroupCommitUnitOfWork.Settings(4, 128, Duration.ofSeconds(5), Duration.ofSeconds(1));
  static final GroupCommitUnitOfWork.Settings ONE_WRITER =
      new GroupCommitUnitOfWork.Settings(1, 128, Duration.ofSeconds(5), Duration.ofSeconds(1));

  private static JdbcTarget database;
  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private static JdbiUnitOfWork unitOfWork;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

  @BeforeAll
  static void setUp() {
    database = TestDatabase.freshDatabase();
    pool = ConnectionPool.open(database, 8);
    Migrations.apply(pool);
    jdbi = Databases.jdbi(pool);
    jdbi.useHandle(h -> h.execute("""
        CREATE TABLE intake_row (n int NOT NULL, note text NOT NULL DEFAULT '');
        CREATE TABLE intake_key (k text PRIMARY KEY, n int NOT NULL);
        CREATE FUNCTION intake_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.note = 'slow-commit' THEN PERFORM pg_sleep(1.5); END IF;
          IF NEW.note = 'refused-at-commit' THEN RAISE EXCEPTION 'refused at commit'; END IF;
          RETURN NULL;
        END $$;
        CREATE CONSTRAINT TRIGGER intake_at_commit AFTER INSERT ON intake_row DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW EXECUTE FUNCTION intake_at_commit();"""));
    unitOfWork = new JdbiUnitOfWork(jdbi);
  }

  @AfterAll
  static void tearDown() {
    pool.close();
  }

  @BeforeEach
  void emptyTables() {
    jdbi.useHandle(h -> h.execute("TRUNCATE intake_row, intake_key, assistance_request, idempotency_key, outbox_event"));
  }

  @AfterEach
  void closeEverything() throws Exception {
    callers.shutdownNow();
    for (AutoCloseable c : closeAfter.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeAtEnd(T resource) {
    closeAfter.add(resource);
    return resource;
  }

  private GroupCommitUnitOfWork groupCommit(GroupCommitUnitOfWork.Settings settings) {
    return groupCommit(unitOfWork, pool, settings);
  }

  private GroupCommitUnitOfWork groupCommit(JdbiUnitOfWork over, HikariDataSource itsPool, GroupCommitUnitOfWork.Settings settings) {
    GroupCommitUnitOfWork groupCommit = new GroupCommitUnitOfWork(over, settings, Clock.systemUTC(), ConnectionPool.evictAll(itsPool));
    closeAfter.add(groupCommit);
    return groupCommit;
  }

  // ---- units of work

  private static int store(JdbiUnitOfWork in, int n, String note) {
    in.currentHandle("test").createUpdate("INSERT INTO intake_row (n, note) VALUES (:n, :note)")
        .bind("n", n).bind("note", note).execute();
    return n;
  }

  private static int store(int n) {
    return store(unitOfWork, n, "");
  }

  /** Stores {@code n} under key {@code k} unless the key is taken; answers the number stored under the key. */
  private static int storeOnce(String k, int n) {
    Handle h = unitOfWork.currentHandle("test");
    int inserted = h.createUpdate("INSERT INTO intake_key (k, n) VALUES (:k, :n) ON CONFLICT (k) DO NOTHING")
        .bind("k", k).bind("n", n).execute();
    if (inserted == 0) {
      return h.createQuery("SELECT n FROM intake_key WHERE k = :k").bind("k", k).mapTo(Integer.class).one();
    }
    return store(n);
  }

  private static int storeThenSleep(int n, double seconds) {
    store(n);
    unitOfWork.currentHandle("test").createQuery("SELECT pg_sleep(:s)").bind("s", seconds).mapTo(String.class).one();
    return n;
  }

  // ---- callers and checks

  private record Call(int n, Future<Integer> answer) {
    boolean succeeded() {
      try {
        answer.get(30, TimeUnit.SECONDS);
        return true;
      } catch (ExecutionException e) {
        return false;
      } catch (Exception e) {
        throw new AssertionError("caller " + n + " got no answer", e);
      }
    }

    Throwable error() {
      try {
        answer.get(30, TimeUnit.SECONDS);
        throw new AssertionError("caller " + n + " succeeded");
      } catch (ExecutionException e) {
        return e.getCause();
      } catch (Exception e) {
        throw new AssertionError("caller " + n + " got no answer", e);
      }
    }
  }

  private Call call(GroupCommitUnitOfWork groupCommit, int n, Supplier<Integer> work) {
    return new Call(n, callers.submit(() -> groupCommit.inTransaction(work)));
  }

  private Call callWithKey(GroupCommitUnitOfWork groupCommit, String key, int n) {
    return new Call(n, callers.submit(() -> groupCommit.inTransactionOrderedBy(key, () -> storeOnce(key, n))));
  }

  private static int count(Jdbi in, String sql) {
    return in.withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
  }

  private static int stored(int n) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM intake_row WHERE n = :n").bind("n", n).mapTo(Integer.class).one());
  }

  private static void assertStoredExactlyOnceIffAnswered(List<Call> calls) {
    for (Call call : calls) {
      assertEquals(call.succeeded() ? 1 : 0, stored(call.n()),
          "caller " + call.n() + (call.succeeded() ? " was answered, so it is stored once" : " got an error, so nothing is stored"));
    }
  }

  private static String messages(Throwable error) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" / ");
    }
    return all.toString();
  }

  /** Lets the writer take the unit just submitted before the next ones queue behind it. */
  private static void letTheWriterStart() throws InterruptedException {
    Thread.sleep(150);
  }

  /**
   * A unit of work that stops inside its batch until the test opens the gate, so a test orders its callers by what it
   * observes (a backend waiting at the gate, units waiting in the queue) rather than by sleeps that a slow machine
   * outruns. The test holds a session advisory lock; the unit waits for the same lock at transaction level.
   */
  private final class Gate implements AutoCloseable {
    private final long key;
    private final Handle holder = jdbi.open();
    private boolean open;

    Gate(long key) {
      this.key = key;
      holder.createQuery("SELECT pg_advisory_lock(:k)::text").bind("k", key).mapTo(String.class).one();
    }

    /** The unit: stores {@code n}, then waits at the gate (past the batch's 1 s lock timeout) and commits with its batch. */
    int storeThenWait(int n) {
      store(n);
      Handle h = unitOfWork.currentHandle("test");
      h.createQuery("SELECT set_config('lock_timeout', '0', true)").mapTo(String.class).one();
      h.createQuery("SELECT pg_advisory_xact_lock(:k)::text").bind("k", key).mapTo(String.class).one();
      return n;
    }

    void awaitAUnitAtTheGate() {
      Await.until("a unit waits at gate " + key, () -> count(jdbi,
          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = " + key) == 1);
    }

    void open() {
      if (!open) {
        open = true;
        holder.createQuery("SELECT pg_advisory_unlock(:k)::text").bind("k", key).mapTo(String.class).one();
      }
    }

    @Override
    public void close() {
      open();
      holder.close();
    }
  }

  private static void awaitWaiting(GroupCommitUnitOfWork groupCommit, int units) {
    Await.until(units + " units queued", () -> groupCommit.waiting() == units);
  }

  // ---- tests

  @Test
  void everyConcurrentCallerIsCommittedBeforeItReturns() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(DEFAULTS);
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int n = i;
      calls.add(call(groupCommit, n, () -> store(n)));
    }
    for (Call call : calls) {
      assertEquals(call.n(), call.answer().get());
      assertEquals(1, stored(call.n()), "committed before returning: " + call.n());
    }
  }

  @Test
  void aUnitArrivingWhileOneWriterIsStuckIsCommittedByAnotherAtOnce() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(DEFAULTS);
    try (Gate gate = new Gate(7_001)) {
      Call stuck = call(groupCommit, 1, () -> gate.storeThenWait(1));
      gate.awaitAUnitAtTheGate();
      Call next = call(groupCommit, 2, () -> store(2));
      assertEquals(2, next.answer().get(3, TimeUnit.SECONDS), "committed while the first writer waits at the gate");
      assertEquals(0, stored(1), "the stuck unit has not committed");
      gate.open();
      assertStoredExactlyOnceIffAnswered(List.of(stuck, next));
    }
  }

  @Test
  void aFailingUnitFailsAloneWhileTheRestOfItsBatchCommits() {
    GroupCommitUnitOfWork groupCommit = groupCommit(DEFAULTS);
    List<Call> calls = new ArrayList<>();
    for (int i = 1_000; i < 1_200; i++) {
      int n = i;
      calls.add(call(groupCommit, n, () -> {
        store(n);
        if (n % 50 == 0) {
          throw new IllegalStateException("unit " + n + " refuses");
        }
        return n;
      }));
    }
    assertEquals(4, calls.stream().filter(c -> !c.succeeded()).count());
    calls.stream().filter(c -> !c.succeeded())
        .forEach(c -> assertEquals("unit " + c.n() + " refuses", c.error().getMessage(), "the unit's own error, unchanged"));
    assertStoredExactlyOnceIffAnswered(calls);
  }

  @Test
  void aBatchWhoseCommitIsRefusedRunsEachUnitAloneSoOnlyTheGuiltyOneFails() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(ONE_WRITER);
    List<Call> calls = new ArrayList<>();
    calls.add(call(groupCommit, 2_000, () -> storeThenSleep(2_000, 0.5)));
    letTheWriterStart();
    for (int n = 2_001; n <= 2_020; n++) {
      int unit = n;
      calls.add(call(groupCommit, n, () -> store(unitOfWork, unit, unit == 2_010 ? "refused-at-commit" : "")));
    }
    assertFalse(calls.get(10).succeeded());
    assertTrue(messages(calls.get(10).error()).contains("refused at commit"), messages(calls.get(10).error()));
    assertEquals(20, calls.stream().filter(Call::succeeded).count());
    assertStoredExactlyOnceIffAnswered(calls);
  }

  @Test
  void anExceptionReachesItsCallerUnchangedAndRollsBackItsWork() {
    GroupCommitUnitOfWork groupCommit = groupCommit(DEFAULTS);
    var e = assertThrows(IllegalArgumentException.class, () -> groupCommit.inTransaction(() -> {
      store(5_000);
      throw new IllegalArgumentException("no");
    }));
    assertEquals("no", e.getMessage());
    assertEquals(0, stored(5_000));
  }

  @Test
  void theSameKeyTwiceInOneBatchResolvesInsideTheBatch() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(ONE_WRITER);
    Gate gate = closeAtEnd(new Gate(3_000));
    Call blocker = call(groupCommit, 3_000, () -> gate.storeThenWait(3_000));
    gate.awaitAUnitAtTheGate();
    Call first = callWithKey(groupCommit, "order-7", 3_001);
    awaitWaiting(groupCommit, 1);
    Call second = callWithKey(groupCommit, "order-7", 3_002);
    awaitWaiting(groupCommit, 2);
    gate.open();
    assertTrue(blocker.succeeded());
    assertEquals(3_001, first.answer().get(), "the first takes the key");
    assertEquals(3_001, second.answer().get(), "the second gets the first's answer");
    assertStoredExactlyOnceIffAnswered(List.of(blocker, first));
    assertEquals(0, stored(3_002));
  }

  @Test
  void theSameIdempotencyKeyTwiceInOneBatchGetsTheFirstReceipt() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(ONE_WRITER);
    Clock clock = Clock.systemUTC();
    JdbiAssistanceRequests requests = new JdbiAssistanceRequests(unitOfWork, jdbi);
    AssistanceService assistance = new AssistanceService(groupCommit, requests, new JdbiIdempotencyKeys(unitOfWork, clock),
        new JdbiOutbox(unitOfWork, new ObjectMapper(), clock, closeAtEnd(new OutboxSignal(jdbi, RunnerSettings.DEFAULT_BATCH_WINDOW))),
        new JacksonPayloads(new ObjectMapper()), RoutingTable.parse("sales=slack"),
        new TimeOrderedIds(clock, new SecureRandom()), clock);
    RequestAssistanceCommand command = RequestAssistanceCommand.of("sales", "a quote for 40 seats", "{}",
        Optional.of("bot-7:quote-1"), "corr-1");

    Gate gate = closeAtEnd(new Gate(3_100));
    Call blocker = call(groupCommit, 3_100, () -> gate.storeThenWait(3_100));
    gate.awaitAUnitAtTheGate();
    Future<AssistanceReceipt> first = callers.submit(() -> assistance.request(command));
    awaitWaiting(groupCommit, 1);
    Future<AssistanceReceipt> second = callers.submit(() -> assistance.request(command));
    awaitWaiting(groupCommit, 2);
    gate.open();
    assertTrue(blocker.succeeded());

    AssistanceReceipt a = first.get(10, TimeUnit.SECONDS);
    AssistanceReceipt b = second.get(10, TimeUnit.SECONDS);
    assertEquals(a.id(), b.id(), "one request, whichever answer came first");
    assertEquals(1, List.of(a, b).stream().filter(AssistanceReceipt::replayed).count());
    assertEquals(1, count(jdbi, "SELECT count(*) FROM assistance_request"));
    assertEquals(1, count(jdbi, "SELECT count(*) FROM outbox_event"));
    assertEquals(1, count(jdbi,
        "SELECT count(DISTINCT x) FROM (SELECT xmin::text AS x FROM assistance_request UNION ALL SELECT xmin::text FROM idempotency_key) t"),
        "the key and the request were written by one transaction");
  }

  @Test
  void keysInEveryOrderAcrossWritersNeverFailARequest() {
    GroupCommitUnitOfWork groupCommit = groupCommit(DEFAULTS);
    List<Call> calls = new ArrayList<>();
    List<String> keys = List.of("k-a", "k-b", "k-c", "k-d", "k-e", "k-f");
    for (int i = 0; i < 600; i++) {
      // Alternate directions, so batches on different writers would take the keys in opposite orders if unsorted.
      String key = (i / 6) % 2 == 0 ? keys.get(i % 6) : keys.get(5 - i % 6);
      calls.add(callWithKey(groupCommit, key, 4_000 + i));
    }
    assertEquals(600, calls.stream().filter(Call::succeeded).count());
    for (String key : keys) {
      int owner = jdbi.withHandle(h -> h.createQuery("SELECT n FROM intake_key WHERE k = :k").bind("k", key).mapTo(Integer.class).one());
      assertEquals(1, stored(owner));
    }
    assertEquals(6, count(jdbi, "SELECT count(*) FROM intake_row"));
  }

  @Test
  void anExhaustedPoolAnswersNotTakenWithinTheDeadline() throws Exception {
    HikariDataSource small = ConnectionPool.open(TestDatabase.freshDatabase(), 2);
    closeAfter.add(small);
    Jdbi smallJdbi = Databases.jdbi(small);
    smallJdbi.useHandle(h -> h.execute("CREATE TABLE intake_row (n int NOT NULL, note text NOT NULL DEFAULT '')"));
    JdbiUnitOfWork smallUnitOfWork = new JdbiUnitOfWork(smallJdbi);
    GroupCommitUnitOfWork groupCommit = groupCommit(smallUnitOfWork, small, DEFAULTS);
    Handle held1 = smallJdbi.open();
    Handle held2 = smallJdbi.open();
    long started = System.nanoTime();
    Call call = call(groupCommit, 6_000, () -> store(smallUnitOfWork, 6_000, ""));
    Throwable error = call.error();
    Duration waited = Duration.ofNanos(System.nanoTime() - started);
    held1.close();
    held2.close();

    assertInstanceOf(NotCommittedException.class, error);
    // The deadline is 5 s; a loaded CI host may answer a few seconds late, while reruns would each wait the pool's 5 s again.
    assertTrue(waited.compareTo(Duration.ofSeconds(15)) < 0, "answered at the deadline, not after reruns: " + waited);
    Thread.sleep(500);
    assertEquals(0, count(smallJdbi, "SELECT count(*) FROM intake_row"));
  }

  @Test
  void callersAreAnsweredNotTakenAtTheirDeadlineWhileTheWriterIsStuckPastIt() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(new GroupCommitUnitOfWork.Settings(1, 128, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    long started = System.nanoTime();
    // The writer itself stalls for 6 s inside the unit (as a long GC or a stop would), where no statement timeout reaches.
    Call stuck = call(groupCommit, 12_000, () -> {
      store(12_000);
      try {
        Thread.sleep(Duration.ofSeconds(6));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 12_000;
    });
    // Its connection sits idle in the transaction while it stalls; an empty queue alone could mean the unit was not
    // yet queued, and the next caller would then go first.
    Await.until("the writer runs the stalling unit", () -> groupCommit.waiting() == 0 && count(jdbi, "SELECT count(*)"
        + " FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = current_database()") == 1);
    Call queued = call(groupCommit, 12_001, () -> store(12_001));

    assertInstanceOf(NotCommittedException.class, queued.error());
    assertInstanceOf(NotCommittedException.class, stuck.error());
    Duration answeredAfter = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(answeredAfter.compareTo(Duration.ofMillis(4_500)) < 0, "answered at the 1 s deadline, not when the writer came back: "
        + answeredAfter);
    Await.until("the writer is back", () -> groupCommit.waiting() == 0 && count(jdbi, "SELECT count(*) FROM pg_stat_activity"
        + " WHERE state = 'idle in transaction' AND datname = current_database()") == 0);
    assertEquals(0, stored(12_000));
    assertEquals(0, stored(12_001));
  }

  @Test
  void aLockHeldPastTheLockTimeoutFailsOnlyTheUnitThatWaitsForIt() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(ONE_WRITER);
    List<Call> calls = new ArrayList<>();
    try (Handle holder = jdbi.open()) {
      holder.begin();
      holder.execute("INSERT INTO intake_key (k, n) VALUES ('held', -1)");
      calls.add(call(groupCommit, 7_000, () -> storeThenSleep(7_000, 0.3)));
      letTheWriterStart();
      calls.add(callWithKey(groupCommit, "held", 7_001));
      for (int n = 7_002; n < 7_010; n++) {
        calls.add(callWithKey(groupCommit, "free-" + n, n));
      }
      Throwable error = calls.get(1).error();
      assertInstanceOf(NotCommittedException.class, error);
      assertTrue(error.getMessage().contains("55P03"), error.getMessage());
      holder.rollback();
    }
    assertEquals(9, calls.stream().filter(Call::succeeded).count());
    assertStoredExactlyOnceIffAnswered(calls);
  }

  @Test
  void aWriterPausedInsideItsTransactionPastTheIdleLimitIsNotTakenAndStoresNothing() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(new GroupCommitUnitOfWork.Settings(1, 128, Duration.ofSeconds(20), Duration.ofSeconds(1)));
    Call paused = call(groupCommit, 8_000, () -> {
      store(8_000);
      try {
        Thread.sleep(Duration.ofSeconds(6)); // as SIGSTOP or a long GC would, between two statements
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return store(8_001);
    });

    Throwable error = paused.error();
    assertInstanceOf(NotCommittedException.class, error, "a 503 not-taken, not a 500");
    assertTrue(error.getMessage().contains("25P03"), error.getMessage());
    int stored = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM intake_row").mapTo(Integer.class).one());
    assertEquals(0, stored);
    assertEquals(8_002, groupCommit.inTransaction(() -> store(8_002)), "the writer goes on with a fresh connection");
  }

  @Test
  void aCommitWhoseAnswerIsLostIsFoundCommittedAndAnsweredAsSuccess() throws Exception {
    try (CommitDroppingProxy proxy = CommitDroppingProxy.to(database.jdbcUrl())) {
      HikariDataSource viaProxy = ConnectionPool.open(proxy.target(database), 4);
      closeAfter.add(viaProxy);
      JdbiUnitOfWork proxied = new JdbiUnitOfWork(Databases.jdbi(viaProxy));
      GroupCommitUnitOfWork groupCommit = groupCommit(proxied, viaProxy, DEFAULTS);
      proxy.dropTheNextCommitAnswer();
      List<Call> calls = new ArrayList<>();
      for (int n = 8_000; n < 8_020; n++) {
        int unit = n;
        calls.add(call(groupCommit, n, () -> store(proxied, unit, "")));
      }
      assertEquals(20, calls.stream().filter(Call::succeeded).count(), () -> "the COMMIT happened, so every caller hears success; "
          + "the others heard " + calls.stream().filter(c -> !c.succeeded()).map(c -> String.valueOf(c.error())).distinct().toList());
      assertTrue(proxy.droppedAnAnswer(), "a COMMIT answer was dropped");
      assertStoredExactlyOnceIffAnswered(calls);
    }
  }

  private record OverNamedPool(JdbiUnitOfWork unitOfWork, GroupCommitUnitOfWork groupCommit) {}

  /** One writer over a pool of four whose sessions carry {@code app} as their application name, so a test can end them all. */
  private OverNamedPool oneWriterOverPoolNamed(String app) {
    HikariDataSource named = ConnectionPool.open(new JdbcTarget(
        database.jdbcUrl() + (database.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=" + app,
        database.user(), database.password()), 4);
    closeAfter.add(named);
    JdbiUnitOfWork over = new JdbiUnitOfWork(Databases.jdbi(named));
    return new OverNamedPool(over, groupCommit(over, named, ONE_WRITER));
  }

  /** Takes {@code connections} from the pool at once and runs a query on each, so the pool counts them as just used. */
  private static void useAtOnce(JdbiUnitOfWork over, int connections) {
    List<Handle> held = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      held.add(over.jdbi().open());
    }
    held.forEach(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
    held.forEach(Handle::close);
  }

  private static int endSessionsOf(String app) {
    return jdbi.withHandle(h -> h.createQuery(
        "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE application_name = :app")
        .bind("app", app).mapTo(Integer.class).one());
  }

  @Test
  void aCommitInDoubtIsSettledWhenTheConnectionsItIsFirstAskedOnWereEndedWithIt() throws Exception {
    String app = "in-doubt";
    OverNamedPool over = oneWriterOverPoolNamed(app);
    JdbiUnitOfWork doubtful = over.unitOfWork();
    GroupCommitUnitOfWork groupCommit = over.groupCommit();
    Call slow = call(groupCommit, 9_700, () -> store(doubtful, 9_700, "slow-commit"));
    Await.until("the batch sleeps in its COMMIT", () -> jdbi.withHandle(h -> h.createQuery(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app AND wait_event = 'PgSleep'")
        .bind("app", app).mapTo(Integer.class).one()) == 1);
    // The pool hands out a connection used in the last half second without checking it: use the three others now,
    // so the question about the COMMIT is first put on connections that end with it, as under an operator's kill-all.
    useAtOnce(doubtful, 3);

    int ended = endSessionsOf(app);

    assertEquals(4, ended, "the batch's connection and the pool's three others");
    if (!slow.succeeded()) {
      assertInstanceOf(NotCommittedException.class, slow.error(),
          "the database could be asked, so the answer is stored or not-taken, never outcome-unknown");
    }
    assertStoredExactlyOnceIffAnswered(List.of(slow));
  }

  @Test
  void unitsWhoseConnectionWasEndedBeforeTheirCommitAreStoredOnAnotherConnection() throws Exception {
    String app = "ended-before-commit";
    OverNamedPool over = oneWriterOverPoolNamed(app);
    JdbiUnitOfWork ended = over.unitOfWork();
    GroupCommitUnitOfWork groupCommit = over.groupCommit();
    // Every pooled connection used just now, so the pool hands them out again unchecked, as under load when a
    // restart or an operator's kill-all ends them all.
    useAtOnce(ended, 4);
    int terminated = endSessionsOf(app);
    assertEquals(4, terminated);

    Call alone = call(groupCommit, 9_800, () -> store(ended, 9_800, ""));
    assertTrue(alone.succeeded(), () -> "a lone unit is stored, not refused: " + alone.error());
    useAtOnce(ended, 4);
    endSessionsOf(app);
    List<Call> together = new ArrayList<>();
    for (int n = 9_801; n < 9_821; n++) {
      int unit = n;
      together.add(call(groupCommit, n, () -> store(ended, unit, "")));
    }

    assertEquals(20, together.stream().filter(Call::succeeded).count(), () -> "every unit of a batch is stored; the others heard "
        + together.stream().filter(c -> !c.succeeded()).map(c -> String.valueOf(c.error())).distinct().toList());
    List<Call> calls = new ArrayList<>(together);
    calls.add(alone);
    assertStoredExactlyOnceIffAnswered(calls);
  }

  @Test
  void aBackendKilledDuringCommitIsFoundAbortedAndItsUnitsRunAgainOrAreRefused() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(ONE_WRITER);
    List<Call> calls = new ArrayList<>();
    calls.add(call(groupCommit, 9_000, () -> store(unitOfWork, 9_000, "slow-commit")));
    for (int n = 9_001; n < 9_010; n++) {
      int unit = n;
      calls.add(call(groupCommit, n, () -> store(unitOfWork, unit, "")));
    }
    boolean killed = Await.until("a backend sits in COMMIT", () -> jdbi.withHandle(h -> h.createQuery("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'active' AND query = 'COMMIT'""")
        .mapTo(Boolean.class).findOne().orElse(false)), terminated -> terminated);
    assertTrue(killed);
    calls.forEach(Call::succeeded);
    assertStoredExactlyOnceIffAnswered(calls);
    assertTrue(calls.stream().allMatch(Call::succeeded) || calls.stream().noneMatch(Call::succeeded),
        "one transaction, one fate: " + calls.stream().map(Call::succeeded).toList());
  }

  @Test
  void anInterruptedCallerIsRefusedAndItsWorkNeverCommits() throws Exception {
    GroupCommitUnitOfWork groupCommit = groupCommit(ONE_WRITER);
    Gate first = closeAtEnd(new Gate(10_000));
    Gate second = closeAtEnd(new Gate(10_003));
    Call blocker = call(groupCommit, 10_000, () -> first.storeThenWait(10_000));
    first.awaitAUnitAtTheGate();
    CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
    CompletableFuture<Integer> queuedAnswer = new CompletableFuture<>();
    Thread queued = Thread.ofVirtual().start(() -> {
      try {
        queuedAnswer.complete(groupCommit.inTransaction(() -> store(10_001)));
      } catch (RuntimeException e) {
        queuedAnswer.completeExceptionally(e);
      }
      stillInterrupted.complete(Thread.currentThread().isInterrupted());
    });
    awaitWaiting(groupCommit, 1);
    // A caller whose unit already ran in the open batch (the one after it waits at a gate) and is interrupted before COMMIT.
    CompletableFuture<Integer> batchedAnswer = new CompletableFuture<>();
    Thread batched = Thread.ofVirtual().start(() -> {
      try {
        batchedAnswer.complete(groupCommit.inTransaction(() -> store(10_002)));
      } catch (RuntimeException e) {
        batchedAnswer.completeExceptionally(e);
      }
    });
    awaitWaiting(groupCommit, 2);
    Call sleeperAfterIt = call(groupCommit, 10_003, () -> second.storeThenWait(10_003));
    awaitWaiting(groupCommit, 3);
    queued.interrupt();
    Await.until("the queued caller has left", queuedAnswer::isDone);
    first.open();
    second.awaitAUnitAtTheGate();
    batched.interrupt();
    Await.until("the batched caller has left", batchedAnswer::isDone);
    second.open();

    var queuedError = assertThrows(ExecutionException.class, () -> queuedAnswer.get(10, TimeUnit.SECONDS));
    assertInstanceOf(NotCommittedException.class, queuedError.getCause());
    assertTrue(stillInterrupted.get(10, TimeUnit.SECONDS), "the interrupt is kept for the caller");
    var batchedError = assertThrows(ExecutionException.class, () -> batchedAnswer.get(10, TimeUnit.SECONDS));
    assertInstanceOf(NotCommittedException.class, batchedError.getCause());
    assertTrue(sleeperAfterIt.succeeded(), "the rest of the batch commits without the one who left");
    Thread.sleep(300);
    assertEquals(0, stored(10_001));
    assertEquals(0, stored(10_002));
    assertStoredExactlyOnceIffAnswered(List.of(blocker, sleeperAfterIt));
  }

  @Test
  void closeFinishesQueuedWorkAndRefusesLaterCallersAtOnce() throws Exception {
    GroupCommitUnitOfWork groupCommit = new GroupCommitUnitOfWork(unitOfWork, ONE_WRITER, Clock.systemUTC(), ConnectionPool.evictAll(pool));
    Gate gate = closeAtEnd(new Gate(11_000));
    List<Call> calls = new ArrayList<>();
    calls.add(call(groupCommit, 11_000, () -> gate.storeThenWait(11_000)));
    gate.awaitAUnitAtTheGate();
    for (int n = 11_001; n < 11_010; n++) {
      int unit = n;
      calls.add(call(groupCommit, n, () -> store(unit)));
    }
    // The callers run on threads of their own: close only once all nine are queued, or one may arrive after it.
    awaitWaiting(groupCommit, 9);
    Future<?> closing = callers.submit(groupCommit::close);
    Await.until("close has stopped taking work", () -> !groupCommit.accepting());
    Call late = call(groupCommit, 11_101, () -> store(11_101));
    assertInstanceOf(NotCommittedException.class, late.error());
    gate.open();
    closing.get(20, TimeUnit.SECONDS);
    calls.add(late);
    assertEquals(10, calls.stream().filter(Call::succeeded).count(), "what was queued before close commits");
    assertStoredExactlyOnceIffAnswered(calls);
  }
}
