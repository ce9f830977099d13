package dev.relaybox.application.jobs.port.out;

import dev.relaybox.application.jobs.CancelledJob;
import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobPage;
import dev.relaybox.application.jobs.JobQuery;
import dev.relaybox.application.jobs.ReplayFilter;
import dev.relaybox.application.jobs.SubscriptionStats;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Operator access to jobs: inspect, replay dead letters, cancel, backfill. */
public interface JobAdmin {

  JobPage list(JobQuery query);

  Optional<JobDetail> find(long id);

  /** @return false if the job does not exist or is not dead or cancelled */
  boolean replay(long id, Instant now);

  int replay(ReplayFilter filter, Instant now);

  /**
   * Cancels the job in the unit of work open on this thread. @return the cancelled job; empty if it does not exist or
   * is already finished
   */
  Optional<CancelledJob> cancel(long id, Instant now);

  /** Cancels the unfinished job holding the key, in the unit of work open on this thread. */
  List<CancelledJob> cancelByDedupeKey(String subscription, String dedupeKey, Instant now);

  List<SubscriptionStats> stats(Instant now);

  /** Creates jobs for {@code subscription} from relayed outbox events since {@code since}. @return jobs created */
  int backfill(String subscription, Instant since, Instant now);
}
