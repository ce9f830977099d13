package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A function planned without sequential scans must run without JIT: a scan with no index to use is then costed at
 * 10^10, over jit_above_cost, and PostgreSQL builds with JIT (Debian's, most managed services) compiled every call
 * (job_counts: 110-340 ms per read instead of 7 ms). The embedded server of the tests has no JIT, so this checks the
 * setting itself.
 */
class PlannerSettingsTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  @Test
  void everyFunctionPlannedWithoutSequentialScansRunsWithoutJit() {
    List<String> disabling = engine.jdbi.withHandle(h -> h.createQuery("""
            SELECT proname FROM pg_proc WHERE 'enable_seqscan=off' = ANY (proconfig) ORDER BY proname""")
        .mapTo(String.class).list());
    List<String> withJit = engine.jdbi.withHandle(h -> h.createQuery("""
            SELECT proname FROM pg_proc
            WHERE 'enable_seqscan=off' = ANY (proconfig) AND NOT 'jit=off' = ANY (proconfig) ORDER BY proname""")
        .mapTo(String.class).list());

    assertTrue(disabling.containsAll(List.of("apply_send_rate", "assistance_requests_while_held", "claim_jobs", "complete_jobs", "job_counts")), disabling.toString());
    assertEquals(List.of(), withJit);
  }
}
