package dev.relaybox.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The bench's CPU figure for PostgreSQL counts a backend's work once, whether the backend is still connected or has
 * come and gone: at least a fifth of a CPU-bound query's wall time, and no more than that wall time plus what the
 * server's background processes could add meanwhile.
 */
class JarCpuTest {
  private static final String HALF_A_SECOND_OF_CPU = "SELECT count(*) FROM generate_series(1, 5000000)";

  @Test
  void theServersCpuIncludesALiveBackendOnce() throws Exception {
    try (BenchDatabase db = BenchDatabase.open(Optional.empty());
        Connection c = db.target().connect("jar-cpu-test"); Statement s = c.createStatement()) {
      long postmaster = db.localPostmaster().orElseThrow();
      double before = JarCpu.serverSeconds(postmaster);
      long start = System.nanoTime();

      s.execute(HALF_A_SECOND_OF_CPU);

      double wall = (System.nanoTime() - start) / 1e9;
      assertCountedOnce(JarCpu.serverSeconds(postmaster) - before, wall);
    }
  }

  @Test
  void theServersCpuIncludesABackendThatEndedInTheWindowOnce() throws InterruptedException {
    try (BenchDatabase db = BenchDatabase.open(Optional.empty())) {
      long postmaster = db.localPostmaster().orElseThrow();
      double before = JarCpu.serverSeconds(postmaster);
      long start = System.nanoTime();

      db.execute(HALF_A_SECOND_OF_CPU); // on a connection of its own, closed after it

      double wall = (System.nanoTime() - start) / 1e9;
      // The postmaster reaps the ended backend a moment later; until then its time may be in neither place.
      double used = 0;
      for (int i = 0; i < 50 && used < wall / 5; i++) {
        Thread.sleep(100);
        used = JarCpu.serverSeconds(postmaster) - before;
      }
      assertCountedOnce(used, wall);
    }
  }

  @Test
  void aProcessThatIsNotAPostgresBackendHasNoPostmaster() {
    assertTrue(JarCpu.postmasterOf(ProcessHandle.current().pid()).isEmpty());
  }

  private static void assertCountedOnce(double used, double wall) {
    assertTrue(used >= wall / 5 && used <= wall + 0.3,
        "PostgreSQL used " + used + " s of CPU for a query that took " + wall + " s");
  }
}
