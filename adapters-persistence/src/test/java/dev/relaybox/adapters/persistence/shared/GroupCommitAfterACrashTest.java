package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.port.out.CommitOutcomeUnknownException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit when PostgreSQL crashes while a batch is in its COMMIT. Recovering, the server hands out again the
 * transaction ids it had not written to the WAL, so the lost batch's id can belong to a later transaction by the time
 * the writer asks about it. Runs on its own server, since it crashes it.
 */
class GroupCommitAfterACrashTest {

  @Test
  void aBatchLostInACrashIsNeverAnsweredAsStoredWhenItsTransactionIdIsHandedOutAgain(@TempDir Path tmp) throws Exception {
    EmbeddedDatabase database = EmbeddedDatabase.start(tmp.resolve("postgres")); // durable: what a crash keeps is what a real server keeps
    ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    try (database; callers; CommitDroppingProxy proxy = CommitDroppingProxy.to(database.target().jdbcUrl());
         HikariDataSource direct = ConnectionPool.open(database.target(), 2);
         HikariDataSource viaProxy = ConnectionPool.open(proxy.target(database.target()), 4)) {
      Jdbi jdbi = Databases.jdbi(direct);
      // Unlogged, so no WAL record carries the batch's transaction id before its COMMIT record, as when a busy
      // server crashes before flushing a batch's rows: whether the WAL writer got to them first is then not a race.
      jdbi.useHandle(h -> h.execute("""
          CREATE UNLOGGED TABLE intake_row (n int NOT NULL);
          CREATE FUNCTION intake_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN PERFORM pg_sleep(5); RETURN NULL; END $$;
          CREATE CONSTRAINT TRIGGER intake_at_commit AFTER INSERT ON intake_row DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION intake_at_commit();"""));
      JdbiUnitOfWork proxied = new JdbiUnitOfWork(Databases.jdbi(viaProxy));
      GroupCommitUnitOfWork groupCommit = new GroupCommitUnitOfWork(proxied,
          new GroupCommitUnitOfWork.Settings(1, 128, Duration.ofSeconds(20), Duration.ofSeconds(1)), Clock.systemUTC(),
          ConnectionPool.evictAll(viaProxy));
      Future<Integer> caller = callers.submit(() -> groupCommit.inTransaction(() -> {
        proxied.currentHandle("test").execute("INSERT INTO intake_row (n) VALUES (1)");
        return 1;
      }));
      Map<String, Object> inCommit = Await.until("the batch sleeps in its COMMIT", () -> jdbi.withHandle(h -> h.createQuery(
              "SELECT pid, backend_xid::text::bigint AS xid FROM pg_stat_activity WHERE wait_event = 'PgSleep'")
          .mapToMap().findOne().orElse(Map.of())), row -> !row.isEmpty());
      long lostXid = ((Number) inCommit.get("xid")).longValue();

      // The writer's next connections wait at the proxy while the server crashes, recovers and hands the id out again.
      proxy.holdNewConnections();
      String beforeTheCrash = statisticsReset(jdbi);
      ProcessHandle.of(((Number) inCommit.get("pid")).longValue()).orElseThrow().destroyForcibly();
      long reissued = Await.until("a transaction id at least the lost batch's is handed out after the crash",
          () -> nextTransactionIdAfter(jdbi, beforeTheCrash), id -> id >= lostXid);
      proxy.releaseNewConnections();

      assertEquals(lostXid, reissued, "the crash handed the lost batch's transaction id out again, committed");
      ExecutionException answer = assertThrows(ExecutionException.class, () -> caller.get(60, TimeUnit.SECONDS),
          "the batch was lost: the caller must not hear that it was stored");
      assertInstanceOf(CommitOutcomeUnknownException.class, answer.getCause(),
          "a COMMIT in doubt after a crash is outcome-unknown, never success");
    }
  }

  private static String statisticsReset(Jdbi jdbi) {
    return jdbi.withHandle(h -> h.createQuery("SELECT pg_stat_get_bgwriter_stat_reset_time()::text").mapTo(String.class).one());
  }

  /**
   * Takes and commits the next transaction id once the server has recovered from the crash (its statistics were
   * reset); {@code -1} before, while it is down or recovering. None is taken before the crash: it would be durable.
   */
  private static long nextTransactionIdAfter(Jdbi jdbi, String statisticsResetBefore) {
    try {
      if (statisticsReset(jdbi).equals(statisticsResetBefore)) {
        return -1;
      }
      return jdbi.withHandle(h -> h.createQuery("SELECT pg_current_xact_id()::text::bigint").mapTo(Long.class).one());
    } catch (RuntimeException down) {
      return -1;
    }
  }
}
