package dev.relaybox.application.shared.port.in;

import dev.relaybox.application.shared.jobs.JobDetail;
import dev.relaybox.application.shared.jobs.JobPage;
import dev.relaybox.application.shared.jobs.JobQuery;
import dev.relaybox.application.shared.jobs.SubscriptionStats;
import java.util.List;
import java.util.Optional;

public interface InspectJobsUseCase {
  JobPage list(JobQuery query);

  Optional<JobDetail> find(long id);

  List<SubscriptionStats> stats();
}
