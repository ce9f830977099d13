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

/**
 * The runner's view of the job tables. Every write about an attempt is fenced by {@link JobRef#token()}, the fencing
 * token its claim took: it lands only while the job is still running under that token, so a node whose job was
 * cancelled, rescued, replayed, timed out or given back cannot complete, retry, defer, bury or extend it any more.
 */
public interface JobStore {

  /** Records the subscriptions this node runs so the relay, which may run on any node, can fan out to them. */
  void registerSubscriptions(List<Subscription> subscriptions);

  List<ClaimedJob> claim(ClaimRequest request);

  /** Marks attempts done in one statement; stale attempts are skipped. @return the stale ones, not written */
  List<JobRef> complete(Collection<JobRef> jobs, Instant now);

  /** Puts the job back to run at {@code runAt} and records the failure. @return false if the attempt was stale */
  boolean retry(JobRef job, Instant runAt, JobFailure failure);

  /**
   * Puts the job back to run at {@code runAt} without counting the attempt: the handler was held back locally and
   * never reached the third party. @return false if the attempt was stale
   */
  boolean defer(JobRef job, Instant runAt);

  /** Makes the job dead and records the failure. @return false if the attempt was stale */
  boolean bury(JobRef job, JobFailure failure);

  /**
   * Extends the leases this node still holds.
   *
   * @return the leases that are gone: the job is no longer running under that token and was not finished by it (it
   *     was cancelled, rescued, retried by a timeout, or given back). Their handlers must stop.
   */
  List<JobRef> extendLeases(String node, Collection<JobRef> jobs, Instant leaseUntil);

  /** Returns claimed jobs that never started, without counting the attempt; the next claim takes a new token. */
  void giveBack(Collection<JobRef> jobs);

  /**
   * Fans out one batch of unrelayed outbox events into jobs, one per matching subscription, if no other node is
   * relaying right now (one relay at a time keeps a key's jobs in event order); otherwise returns at once, skipped.
   */
  RelayResult relay(int batchSize, Instant now);

  /**
   * Rescues expired leases and prunes finished history, if no other node is doing so right now.
   *
   * @return empty when another node holds the maintenance lock
   */
  Optional<MaintenanceReport> maintain(Instant now, Instant pruneBefore, int batchSize);
}
