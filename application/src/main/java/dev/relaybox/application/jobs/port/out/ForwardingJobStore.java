package dev.relaybox.application.jobs.port.out;

import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.MaintenanceReport;
import dev.relaybox.application.jobs.RelayResult;
import dev.relaybox.application.jobs.Subscription;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Passes every call to another store; a decorator (counting, measuring) overrides only the calls it watches. */
public abstract class ForwardingJobStore implements JobStore {
  private final JobStore delegate;

  protected ForwardingJobStore(JobStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void registerSubscriptions(List<Subscription> subscriptions) {
    delegate.registerSubscriptions(subscriptions);
  }

  @Override
  public List<ClaimedJob> claim(ClaimRequest request) {
    return delegate.claim(request);
  }

  @Override
  public List<JobRef> complete(Collection<JobRef> jobs, Instant now) {
    return delegate.complete(jobs, now);
  }

  @Override
  public boolean retry(JobRef job, Instant runAt, JobFailure failure) {
    return delegate.retry(job, runAt, failure);
  }

  @Override
  public boolean defer(JobRef job, Instant runAt) {
    return delegate.defer(job, runAt);
  }

  @Override
  public boolean bury(JobRef job, JobFailure failure) {
    return delegate.bury(job, failure);
  }

  @Override
  public List<JobRef> extendLeases(String node, Collection<JobRef> jobs, Instant leaseUntil) {
    return delegate.extendLeases(node, jobs, leaseUntil);
  }

  @Override
  public void giveBack(Collection<JobRef> jobs) {
    delegate.giveBack(jobs);
  }

  @Override
  public RelayResult relay(int batchSize, Instant now) {
    return delegate.relay(batchSize, now);
  }

  @Override
  public Optional<MaintenanceReport> maintain(Instant now, Instant pruneBefore, int batchSize) {
    return delegate.maintain(now, pruneBefore, batchSize);
  }
}
