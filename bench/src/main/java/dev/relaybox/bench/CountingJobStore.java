package dev.relaybox.bench;

import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.MaintenanceReport;
import dev.relaybox.application.jobs.RelayResult;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.JobStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Passes everything to the real store and counts committed completions, so a drain ends the moment the last
 * completion batch is written, without polling the table. Also counts claim statements and their sizes.
 */
final class CountingJobStore implements JobStore {
  private final JobStore delegate;
  private final AtomicLong completed = new AtomicLong();
  private final LongAdder claims = new LongAdder();
  private final LongAdder claimed = new LongAdder();
  private final LongAdder completeStatements = new LongAdder();
  private final Object monitor = new Object();

  CountingJobStore(JobStore delegate) {
    this.delegate = delegate;
  }

  long completed() {
    return completed.get();
  }

  long claimStatements() {
    return claims.sum();
  }

  long claimedJobs() {
    return claimed.sum();
  }

  long completeStatements() {
    return completeStatements.sum();
  }

  /** @return true if {@code n} completions were written before the deadline */
  boolean awaitCompleted(long n, long deadlineNanos) throws InterruptedException {
    synchronized (monitor) {
      while (completed.get() < n) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        monitor.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  @Override
  public List<JobRef> complete(Collection<JobRef> jobs, Instant now) {
    List<JobRef> stale = delegate.complete(jobs, now);
    completeStatements.increment();
    completed.addAndGet(jobs.size());
    synchronized (monitor) {
      monitor.notifyAll();
    }
    return stale;
  }

  @Override
  public List<ClaimedJob> claim(ClaimRequest request) {
    List<ClaimedJob> jobs = delegate.claim(request);
    claims.increment();
    claimed.add(jobs.size());
    return jobs;
  }

  @Override
  public void registerSubscriptions(List<Subscription> subscriptions) {
    delegate.registerSubscriptions(subscriptions);
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
