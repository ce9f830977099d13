package dev.relaybox.application.jobs.port.out;

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

  /** @return false if the job does not exist or is already finished */
  boolean cancel(long id, Instant now);

  int cancelByDedupeKey(String subscription, String dedupeKey, Instant now);

  List<SubscriptionStats> stats(Instant now);

  /** Creates jobs for {@code subscription} from relayed outbox events since {@code since}. @return jobs created */
  int backfill(String subscription, Instant since, Instant now);
}
