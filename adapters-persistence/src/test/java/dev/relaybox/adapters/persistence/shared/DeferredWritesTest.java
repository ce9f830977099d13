package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes left to {@link JdbiUnitOfWork#write} under a group commit go to the database in bulk: the texts written once
 * together with the transaction's opening query in one execution, each text written more often in one execution for
 * the whole batch, each caller still answered by its own outcome, and every statement that runs after a write sees it.
 */
class DeferredWritesTest {
  private static final GroupCommitUnitOfWork.Settings ONE_WRITER =
      new GroupCommitUnitOfWork.Settings(1, 128, Duration.ofSeconds(10), Duration.ofSeconds(1));

  private final AtomicInteger executions = new AtomicInteger();
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
  private HikariDataSource pool;
  private Jdbi jdbi;
  private JdbiUnitOfWork unitOfWork;
  private GroupCommitUnitOfWork groupCommit;
  private Handle gate;

  @BeforeEach
  void setUp() {
    pool = ConnectionPool.open(TestDatabase.freshDatabase(), 4);
    jdbi = Databases.jdbi(pool);
    jdbi.useHandle(h -> h.execute("""
        CREATE TABLE request_row (n int PRIMARY KEY);
        CREATE TABLE event_row (n int PRIMARY KEY, kind text NOT NULL)"""));
    unitOfWork = new JdbiUnitOfWork(Databases.jdbi(counting(pool)));
    groupCommit = new GroupCommitUnitOfWork(unitOfWork, ONE_WRITER, Clock.systemUTC(), ConnectionPool.evictAll(pool));
    gate = jdbi.open();
    gate.createQuery("SELECT pg_advisory_lock(42)::text").mapTo(String.class).one();
  }

  @AfterEach
  void tearDown() {
    gate.close();
    groupCommit.close();
    callers.shutdownNow();
    pool.close();
  }

  @Test
  void theHeldWritesOfABatchOfCallersTakeOneExecutionPerStatementText() throws Exception {
    Future<Integer> blocker = call(this::waitAtTheGate);
    List<Future<Integer>> callersInOneBatch = requestsQueuedBehindTheGate(20);
    int before = executions.get();
    openTheGate();

    assertEquals(0, blocker.get(10, TimeUnit.SECONDS));
    for (Future<Integer> answer : callersInOneBatch) {
      answer.get(10, TimeUnit.SECONDS);
    }
    // the batch's opening query, its 20 request rows in one execution, its 20 events in another
    assertEquals(3, executions.get() - before, "statement executions for the batch of 20 callers");
    assertEquals(20, count("SELECT count(*) FROM request_row"));
    assertEquals(20, count("SELECT count(*) FROM event_row WHERE kind = 'requested'"));
  }

  @Test
  void aLoneCallersWritesGoWithTheTransactionsOpeningInOneExecution() throws Exception {
    int before = executions.get();

    assertEquals(1, call(() -> requestWithItsEvent(1)).get(10, TimeUnit.SECONDS));

    // the opening query, the request row and its event: one round trip before the COMMIT
    assertEquals(1, executions.get() - before, "statement executions for one caller");
    assertEquals(1, count("SELECT count(*) FROM request_row WHERE n = 1"));
    assertEquals(1, count("SELECT count(*) FROM event_row WHERE n = 1"));
  }

  @Test
  void aLoneCallersFailingWriteIsItsOwnErrorAndNothingOfItCommits() throws Exception {
    jdbi.useHandle(h -> h.execute("INSERT INTO event_row (n, kind) VALUES (3, 'earlier')"));

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> call(() -> requestWithItsEvent(3)).get(10, TimeUnit.SECONDS));

    assertEquals(Optional.of("23505"), sqlState(failed.getCause()), failed.getCause().toString());
    assertEquals(0, count("SELECT count(*) FROM request_row WHERE n = 3"));
  }

  @Test
  void aHeldWriteThatFailsFailsOnlyItsCallerAndTheOthersCommitOnce() throws Exception {
    jdbi.useHandle(h -> h.execute("INSERT INTO request_row (n) VALUES (7)"));
    Future<Integer> blocker = call(this::waitAtTheGate);
    List<Future<Integer>> answers = requestsQueuedBehindTheGate(10);
    openTheGate();
    blocker.get(10, TimeUnit.SECONDS);

    for (int n = 1; n <= 10; n++) {
      Future<Integer> answer = answers.get(n - 1);
      if (n == 7) {
        ExecutionException failed = assertThrows(ExecutionException.class,
            () -> answer.get(10, TimeUnit.SECONDS));
        assertEquals(Optional.of("23505"), sqlState(failed.getCause()), failed.getCause().toString());
      } else {
        assertEquals(n, answer.get(10, TimeUnit.SECONDS));
      }
    }
    assertEquals(10, count("SELECT count(*) FROM request_row"));
    assertEquals(9, count("SELECT count(*) FROM event_row"));
    assertEquals(0, count("SELECT count(*) FROM event_row WHERE n = 7"));
  }

  @Test
  void everyStatementAfterAHeldWriteSeesIt() throws Exception {
    Future<Integer> blocker = call(this::waitAtTheGate);
    awaitTheWriterAtTheGate();
    Future<Integer> writer = call(() -> {
      unitOfWork.write("test", "INSERT INTO request_row (n) VALUES (?)", 1);
      return unitOfWork.read(h -> h.createQuery("SELECT count(*) FROM request_row WHERE n = 1").mapTo(Integer.class).one());
    });
    Future<Integer> laterInTheBatch = call(() -> unitOfWork.currentHandle("test")
        .createQuery("SELECT count(*) FROM request_row WHERE n = 1").mapTo(Integer.class).one());
    Await.until("2 callers queued", () -> groupCommit.waiting() == 2);
    openTheGate();
    blocker.get(10, TimeUnit.SECONDS);

    assertEquals(1, writer.get(10, TimeUnit.SECONDS), "a read in the same unit sees its own write");
    assertEquals(1, laterInTheBatch.get(10, TimeUnit.SECONDS), "a later unit of the same transaction sees it");
  }

  /** Callers 1..{@code callers}, each storing a request with its event, queued behind the unit waiting at the gate. */
  private List<Future<Integer>> requestsQueuedBehindTheGate(int callers) {
    awaitTheWriterAtTheGate();
    List<Future<Integer>> answers = new ArrayList<>();
    for (int n = 1; n <= callers; n++) {
      int unit = n;
      answers.add(call(() -> requestWithItsEvent(unit)));
    }
    Await.until(callers + " callers queued", () -> groupCommit.waiting() == callers);
    return answers;
  }

  private int requestWithItsEvent(int n) {
    unitOfWork.write("test", "INSERT INTO request_row (n) VALUES (?)", n);
    unitOfWork.write("test", "INSERT INTO event_row (n, kind) VALUES (?, ?)", n, "requested");
    return n;
  }

  /** The first unit holds the only writer at an advisory lock, so the callers after it queue up into one batch. */
  private int waitAtTheGate() {
    Handle h = unitOfWork.currentHandle("test");
    h.createQuery("SELECT set_config('lock_timeout', '0', true)").mapTo(String.class).one();
    h.createQuery("SELECT pg_advisory_xact_lock(42)::text").mapTo(String.class).one();
    return 0;
  }

  private void awaitTheWriterAtTheGate() {
    Await.until("the writer waits at the gate", () -> count(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = 42") == 1);
  }

  private void openTheGate() {
    gate.createQuery("SELECT pg_advisory_unlock(42)::text").mapTo(String.class).one();
  }

  private Future<Integer> call(Supplier<Integer> work) {
    return callers.submit(() -> groupCommit.inTransaction(work));
  }

  private int count(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
  }

  private static Optional<String> sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return Optional.of(sql.getSQLState());
      }
    }
    return Optional.empty();
  }

  /** The pool, counting every execution of a prepared statement (a round trip to the database each). */
  private DataSource counting(DataSource dataSource) {
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object result = invoke(dataSource, method, args);
          return result instanceof Connection connection ? countingConnection(connection) : result;
        });
  }

  private Connection countingConnection(Connection connection) {
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          Object result = invoke(connection, method, args);
          return result instanceof PreparedStatement statement ? countingStatement(statement) : result;
        });
  }

  private PreparedStatement countingStatement(PreparedStatement statement) {
    return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class},
        (proxy, method, args) -> {
          if (method.getName().startsWith("execute")) {
            executions.incrementAndGet();
          }
          return invoke(statement, method, args);
        });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
