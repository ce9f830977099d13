package dev.relaybox.adapters.persistence.jobs;

/**
 * The writes that move a job into or out of {@code done} or {@code cancelled} add their count to
 * {@code job_finished_tally} in the same statement (V86), so the job counts never read the finished history. A
 * trigger would catch every path, but an AFTER UPDATE row trigger on {@code job} cost a quarter of the drain's
 * throughput even when its condition was false (the old row is fetched for every claim and completion); deletes and
 * TRUNCATE are counted by statement triggers. {@code MaintenanceTest} and the engine tests' {@code Engine.afterEach}
 * check that the tally agrees with the table.
 */
public final class FinishedJobTally {
  private FinishedJobTally() {}

  /**
   * A data-modifying CTE (named {@code tallied}) that adds one to the tally for each row of {@code rows} (a CTE
   * returning {@code subscription}) in {@code state}, or takes one away when {@code sign} is negative.
   */
  public static String counted(String rows, String state, int sign) {
    if (!state.equals("done") && !state.equals("cancelled")) {
      throw new IllegalArgumentException("only done and cancelled jobs are tallied, not " + state);
    }
    return """
        tallied AS (
          INSERT INTO job_finished_tally (subscription, state, n)
          SELECT subscription, '%s', %scount(*) FROM %s GROUP BY subscription)""".formatted(state, sign < 0 ? "-" : "", rows);
  }
}
