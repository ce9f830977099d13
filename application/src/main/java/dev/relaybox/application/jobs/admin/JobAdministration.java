package dev.relaybox.application.jobs.admin;

import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobPage;
import dev.relaybox.application.jobs.JobQuery;
import dev.relaybox.application.jobs.SubscriptionStats;
import dev.relaybox.application.jobs.port.in.BackfillSubscriptionUseCase;
import dev.relaybox.application.jobs.port.in.CancelJobCommand;
import dev.relaybox.application.jobs.port.in.CancelJobUseCase;
import dev.relaybox.application.jobs.port.in.InspectJobsUseCase;
import dev.relaybox.application.jobs.port.in.ReplayDeadJobsCommand;
import dev.relaybox.application.jobs.port.in.ReplayDeadJobsUseCase;
import dev.relaybox.application.jobs.port.out.JobAdmin;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator's use cases over the job tables; every change is logged for the audit trail of operations. */
public final class JobAdministration
    implements InspectJobsUseCase, ReplayDeadJobsUseCase, CancelJobUseCase, BackfillSubscriptionUseCase {
  private static final Logger LOG = LoggerFactory.getLogger(JobAdministration.class);

  private final JobAdmin jobs;
  private final Clock clock;

  public JobAdministration(JobAdmin jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  @Override
  public JobPage list(JobQuery query) {
    return jobs.list(query);
  }

  @Override
  public Optional<JobDetail> find(long id) {
    return jobs.find(id);
  }

  @Override
  public List<SubscriptionStats> stats() {
    return jobs.stats(clock.instant());
  }

  @Override
  public int replay(ReplayDeadJobsCommand command) {
    int replayed = switch (command) {
      case ReplayDeadJobsCommand.ById byId -> jobs.replay(byId.jobId(), clock.instant()) ? 1 : 0;
      case ReplayDeadJobsCommand.ByFilter byFilter -> jobs.replay(byFilter.filter(), clock.instant());
    };
    LOG.info("replayed {} jobs ({})", replayed, command);
    return replayed;
  }

  @Override
  public int cancel(CancelJobCommand command) {
    int cancelled = switch (command) {
      case CancelJobCommand.ById byId -> jobs.cancel(byId.jobId(), clock.instant()) ? 1 : 0;
      case CancelJobCommand.ByDedupeKey byKey -> jobs.cancelByDedupeKey(byKey.subscription(), byKey.dedupeKey(), clock.instant());
    };
    LOG.info("cancelled {} jobs ({})", cancelled, command);
    return cancelled;
  }

  @Override
  public int backfill(BackfillSubscriptionCommand command) {
    int created = jobs.backfill(command.subscription(), command.since(), clock.instant());
    LOG.info("backfilled {} jobs for {} since {}", created, command.subscription(), command.since());
    return created;
  }
}
