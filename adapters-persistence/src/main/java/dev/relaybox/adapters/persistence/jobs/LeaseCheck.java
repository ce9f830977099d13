package dev.relaybox.adapters.persistence.jobs;

import dev.relaybox.application.jobs.JobRef;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The one SQL test of "this attempt still holds its job" (running, under its fencing token), for {@code Jobs.stillHeld}
 * and for reads that fold the check into their own statement so it costs no round trip of its own. The batched read of
 * assistance requests (assistance_requests_while_held, V84) makes the same test in SQL.
 */
public final class LeaseCheck {
  /** A boolean SQL expression; bind its parameters with {@link #bind}. */
  public static final String HELD =
      "EXISTS (SELECT 1 FROM job WHERE id = :leaseJob AND lease_token = :leaseToken AND state = 'running')";
  /** {@link #HELD} with positional parameters, for {@code JdbcStatements}: the job's id, then its lease token. */
  public static final String HELD_POSITIONAL = HELD.replace(":leaseJob", "?").replace(":leaseToken", "?");

  private LeaseCheck() {}


  public static <T extends SqlStatement<T>> T bind(T statement, JobRef lease) {
    return statement.bind("leaseJob", lease.id()).bind("leaseToken", lease.token());
  }
}
