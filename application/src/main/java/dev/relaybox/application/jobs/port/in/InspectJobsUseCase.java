package dev.relaybox.application.jobs.port.in;

import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobPage;
import dev.relaybox.application.jobs.JobQuery;
import dev.relaybox.application.jobs.SubscriptionStats;
import java.util.List;
import java.util.Optional;

public interface InspectJobsUseCase {
  JobPage list(JobQuery query);

  Optional<JobDetail> find(long id);

  List<SubscriptionStats> stats();
}
