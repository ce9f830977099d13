package dev.relaybox.application.jobs.admin;

import dev.relaybox.application.jobs.CancelledJob;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobHandler;
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
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator's use cases over the job tables; every change is logged for the audit trail of operations. */
public final class JobAdministration
    implements InspectJobsUseCase, ReplayDeadJobsUseCase, CancelJobUseCase, BackfillSubscriptionUseCase {
  private static final Logger LOG = LoggerFactory.getLogger(JobAdministration.class);

  private final JobAdmin jobs;
  private final UnitOfWork unitOfWork;
  private final Map<String, JobHandler> handlers;
  private final Clock clock;

  /** @param handlers every registered subscription's handler, told of its cancelled jobs */
  public JobAdministration(JobAdmin jobs, UnitOfWork unitOfWork, List<HandlerRegistration> handlers, Clock clock) {
    this.jobs = jobs;
    this.unitOfWork = unitOfWork;
    this.handlers = handlers.stream()
        .collect(Collectors.toUnmodifiableMap(h -> h.subscription().name(), HandlerRegistration::handler));
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

  /** The subscription's own records of each cancelled job are settled in the same transaction as the cancel. */
  @Override
  public int cancel(CancelJobCommand command) {
    List<CancelledJob> cancelled = unitOfWork.inTransaction(() -> {
      List<CancelledJob> jobsCancelled = switch (command) {
        case CancelJobCommand.ById byId -> jobs.cancel(byId.jobId(), clock.instant()).stream().toList();
        case CancelJobCommand.ByDedupeKey byKey -> jobs.cancelByDedupeKey(byKey.subscription(), byKey.dedupeKey(), clock.instant());
      };
      // a subscription this node has no handler for (one another version of the jar registered) keeps no records here
      jobsCancelled.forEach(job -> Optional.ofNullable(handlers.get(job.subscription())).ifPresent(h -> h.cancelled(job)));
      return jobsCancelled;
    });
    LOG.info("cancelled {} jobs ({})", cancelled.size(), command);
    return cancelled.size();
  }

  @Override
  public int backfill(BackfillSubscriptionCommand command) {
    int created = jobs.backfill(command.subscription(), command.since(), clock.instant());
    LOG.info("backfilled {} jobs for {} since {}", created, command.subscription(), command.since());
    return created;
  }
}
