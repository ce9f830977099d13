package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GroupCommitUnitOfWorkTest {
  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private static JdbiUnitOfWork unitOfWork;
  private static GroupCommitUnitOfWork groupCommit;

  @BeforeAll
  static void setUp() {
    pool = TestDatabase.freshMigratedPool(8);
    jdbi = Databases.jdbi(pool);
    jdbi.useHandle(h -> h.execute("CREATE TABLE intake (n int PRIMARY KEY)"));
    unitOfWork = new JdbiUnitOfWork(jdbi);
    groupCommit = new GroupCommitUnitOfWork(unitOfWork, 2, 64);
  }

  @AfterAll
  static void tearDown() {
    groupCommit.close();
    pool.close();
  }

  private static int count(String where) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM intake WHERE " + where).mapTo(Integer.class).one());
  }

  private static void insert(int n) {
    unitOfWork.currentHandle("test").createUpdate("INSERT INTO intake (n) VALUES (:n)").bind("n", n).execute();
  }

  @Test
  void everyConcurrentCallerIsCommittedBeforeItReturns() throws Exception {
    List<Future<Integer>> calls = new ArrayList<>();
    try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 500; i++) {
        int n = i;
        calls.add(callers.submit(() -> groupCommit.inTransaction(() -> {
          insert(n);
          return n;
        })));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertEquals(i, calls.get(i).get());
        assertEquals(1, count("n = " + i), "committed before returning: " + i);
      }
    }
  }

  @Test
  void aFailingUnitFailsAloneWhileTheRestOfItsBatchCommits() throws Exception {
    List<Future<Integer>> calls = new ArrayList<>();
    try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 1_000; i < 1_200; i++) {
        int n = i;
        calls.add(callers.submit(() -> groupCommit.inTransaction(() -> {
          insert(n);
          if (n % 50 == 0) {
            insert(n); // a duplicate key: this unit must fail, and only this one
          }
          return n;
        })));
      }
      int failed = 0;
      for (Future<Integer> call : calls) {
        try {
          call.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failed++;
        }
      }
      assertEquals(4, failed);
    }
    assertEquals(196, count("n >= 1000 AND n < 1200"));
  }

  @Test
  void anExceptionReachesItsCallerUnchangedAndRollsBackItsWork() {
    var e = assertThrows(IllegalArgumentException.class, () -> groupCommit.inTransaction(() -> {
      insert(5_000);
      throw new IllegalArgumentException("no");
    }));
    assertEquals("no", e.getMessage());
    assertEquals(0, count("n = 5000"));
  }
}
