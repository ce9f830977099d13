package dev.relaybox.bench;

import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.port.out.ForwardingJobStore;
import dev.relaybox.application.jobs.port.out.JobStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Passes everything to the real store and counts committed completions, so a drain ends the moment the last
 * completion batch is written, without polling the table. Also counts claim statements and their sizes.
 */
final class CountingJobStore extends ForwardingJobStore {
  private final AtomicLong completed = new AtomicLong();
  private final LongAdder claims = new LongAdder();
  private final LongAdder claimed = new LongAdder();
  private final LongAdder completeStatements = new LongAdder();
  private final Object monitor = new Object();

  CountingJobStore(JobStore delegate) {
    super(delegate);
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
    List<JobRef> stale = super.complete(jobs, now);
    completeStatements.increment();
    completed.addAndGet(jobs.size());
    synchronized (monitor) {
      monitor.notifyAll();
    }
    return stale;
  }

  @Override
  public List<ClaimedJob> claim(ClaimRequest request) {
    List<ClaimedJob> jobs = super.claim(request);
    claims.increment();
    claimed.add(jobs.size());
    return jobs;
  }
}
