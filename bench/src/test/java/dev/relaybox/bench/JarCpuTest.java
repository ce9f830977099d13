package dev.relaybox.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bench's CPU figure for PostgreSQL counts the work of a backend that has come and gone. */
class JarCpuTest {

  @Test
  void theServersCpuIncludesABackendThatEndedInTheWindow() throws InterruptedException {
    try (BenchDatabase db = BenchDatabase.open(Optional.empty())) {
      long postmaster = db.localPostmaster().orElseThrow();
      double before = JarCpu.serverSeconds(postmaster);

      db.execute("SELECT count(*) FROM generate_series(1, 5000000)"); // half a second, on a connection closed after it

      // The postmaster reaps the ended backend a moment later; until then its time may be in neither place.
      double used = 0;
      for (int i = 0; i < 50 && used < 0.1; i++) {
        Thread.sleep(100);
        used = JarCpu.serverSeconds(postmaster) - before;
      }
      assertTrue(used >= 0.1, "PostgreSQL used " + used + " s of CPU for a count of five million rows");
    }
  }

  @Test
  void aProcessThatIsNotAPostgresBackendHasNoPostmaster() {
    assertTrue(JarCpu.postmasterOf(ProcessHandle.current().pid()).isEmpty());
  }
}
