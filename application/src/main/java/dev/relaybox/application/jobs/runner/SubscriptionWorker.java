package dev.relaybox.application.jobs.runner;

import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.JobStore;
import dev.relaybox.application.jobs.JobObserver;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import dev.relaybox.domain.shared.Traceparent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Claims and runs the jobs of one subscription on this node: claims only as many jobs as it has free permits, runs
 * each on its own virtual thread under the subscription's timeout (a task on the runner's shared timeout timer, not a
 * second thread per job), and settles the outcome.
 */
final class SubscriptionWorker {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionWorker.class);

  private final Subscription subscription;
  private final HandlerRegistration registration;
  private final JobStore store;
  private final RunnerSettings settings;
  private final Clock clock;
  private final RandomGenerator random;
  private final ExecutorService handlers;
  private final ScheduledExecutorService timeouts;
  private final CompletionBatcher completions;
  private final LeaseBook leases;
  private final JobObserver observer;
  private final Semaphore permits;
  private final int refillAt;
  private final Wakeup wakeup = new Wakeup();
  private final OutageLog outage;
  /** Running attempts by job id. */
  private final Map<Long, Attempt> attempts = new ConcurrentHashMap<>();
  private volatile boolean claiming = true;
  private volatile boolean waitingForCompletions;
  private volatile boolean waitingForPermits;
  private volatile boolean stopping;
  private Thread loop;

  SubscriptionWorker(HandlerRegistration registration, JobStore store, RunnerSettings settings, Clock clock,
      RandomGenerator random, ExecutorService handlers, ScheduledExecutorService timeouts, CompletionBatcher completions,
      LeaseBook leases, JobObserver observer) {
    this.registration = registration;
    this.subscription = registration.subscription();
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.handlers = handlers;
    this.timeouts = timeouts;
    this.completions = completions;
    this.leases = leases;
    this.observer = observer;
    this.permits = new Semaphore(subscription.concurrency());
    // Waiting for a quarter of the permits before claiming again keeps claims batched under a backlog.
    this.refillAt = Math.max(1, subscription.concurrency() / 4);
    this.outage = new OutageLog(LOG, "claiming jobs for " + subscription.name());
  }

  String name() {
    return subscription.name();
  }

  boolean fifoPerKey() {
    return subscription.fifoPerKey();
  }

  void start() {
    loop = Thread.ofVirtual().name("jobs-" + subscription.name()).start(this::claimLoop);
  }

  void wake() {
    wakeup.signal();
  }

  /** A completion batch was written; a claim loop held back by unwritten completions may go on. */
  void completionsWritten() {
    if (waitingForCompletions) {
      wakeup.signal();
    }
  }

  /** Stops claiming; jobs claimed but not yet started are given back instead of run. */
  void stopClaiming() {
    claiming = false;
    stopping = true;
    wakeup.signal();
  }

  void awaitLoopExit(Duration max) throws InterruptedException {
    if (loop != null) {
      loop.join(max);
    }
  }

  /**
   * Interrupts the handlers still running (shutdown grace is over). Only the handlers' threads are interrupted; the
   * retry is recorded on another thread, since it needs a database connection that an interrupt would break.
   */
  void interruptHandlers() {
    attempts.values().forEach(attempt -> expire(attempt.job, attempt, "interrupted by shutdown"));
  }

  /**
   * The lease is gone (the heartbeat found the job no longer running under its token, or an operator cancelled it):
   * interrupt its handler if it still runs here. Nothing is written, since the job belongs to someone else now (or to
   * nobody); the handler's later writes are fenced out by the token.
   *
   * @return whether a running handler was stopped
   */
  boolean leaseLost(JobRef lease, String why) {
    Attempt attempt = attempts.get(lease.id());
    if (attempt == null || attempt.job.leaseToken() != lease.token() || !attempt.finish()) {
      return false; // not running here (any more): its settle or completion meets the fence on its own
    }
    attempts.remove(lease.id(), attempt);
    attempt.timeout.cancel(false);
    attempt.thread.interrupt();
    leases.release(lease);
    observer.handlerFinished(subscription.name(), "lease_lost", attempt.elapsed());
    attempt.context().forEach(MDC::put);
    try {
      LOG.warn("job {} of {} attempt {}: lease {} lost ({}); interrupting its handler, its later writes are ignored",
          lease.id(), subscription.name(), attempt.job.attempt(), lease.token(), why);
    } finally {
      MDC.clear();
    }
    releasePermit();
    return true;
  }

  int inFlight() {
    return subscription.concurrency() - permits.availablePermits();
  }

  private void claimLoop() {
    while (claiming) {
      waitingForPermits = true;
      int free = permits.availablePermits();
      if (free < refillAt && free < subscription.concurrency()) {
        wakeup.await(settings.pollInterval());
        continue;
      }
      waitingForPermits = false;
      // Permits come back when a handler returns, before its completion is written. Without this check a fast
      // handler lets the claim loop run ahead of the completion writer: unwritten completions (each a running
      // job whose lease is heartbeated, and which reruns if the node dies) pile up without bound.
      waitingForCompletions = completions.backlog() >= completions.maxBatch();
      if (waitingForCompletions) {
        wakeup.await(settings.pollInterval());
        continue;
      }
      int limit = Math.min(free, settings.claimBatch());
      List<ClaimedJob> claimed;
      try {
        Instant now = clock.instant();
        claimed = store.claim(new ClaimRequest(subscription.name(), subscription.fifoPerKey(), limit, settings.node(), now,
            now.plus(settings.lease())));
        outage.succeeded();
      } catch (RuntimeException e) {
        outage.failed(e);
        wakeup.await(settings.pollInterval());
        continue;
      }
      for (ClaimedJob job : claimed) {
        permits.acquireUninterruptibly();
        leases.hold(job.ref());
        handlers.execute(() -> runAndSettle(job));
      }
      if (!claimed.isEmpty()) {
        observer.claimed(subscription.name(), claimed.size());
      }
      if (claimed.size() < limit) {
        wakeup.await(settings.pollInterval());
      }
    }
  }

  private void runAndSettle(ClaimedJob job) {
    if (stopping) {
      try {
        giveBack(job);
      } finally {
        releasePermit();
      }
      return;
    }
    // The handler runs on this virtual thread. Its timeout is a task on the shared timer that, if it fires first,
    // interrupts this thread and settles the job as a retry on another thread; whichever side claims the attempt
    // first settles it, so an outcome is recorded once and a runaway handler cannot hold the settle back.
    Attempt attempt = new Attempt(job, Thread.currentThread(), logContext(job), System.nanoTime());
    attempt.context().forEach(MDC::put);
    try {
      Outcome outcome;
      LeaseLostException leaseLost = null;
      try {
        // Scheduled before the attempt is visible, so whoever finishes it finds a timeout to cancel.
        attempt.timeout = timeouts.schedule(() -> expire(job, attempt, "handler timed out after " + subscription.timeout()),
            subscription.timeout().toNanos(), TimeUnit.NANOSECONDS);
        attempts.put(job.id(), attempt);
        outcome = registration.handler().handle(job);
      } catch (LeaseLostException e) {
        leaseLost = e;
        outcome = Outcome.retry("lease lost");
      } catch (Throwable e) {
        outcome = Outcome.retry("handler threw " + e);
      }
      if (leaseLost != null) {
        // Counted whoever finishes the attempt: a timed-out handler's late markDone is exactly what fencing stops.
        observer.staleWrite(subscription.name(), leaseLost.write());
        LOG.warn("job {} of {} attempt {}: {} was fenced out, lease {} is gone; nothing recorded for this attempt",
            job.id(), subscription.name(), job.attempt(), leaseLost.write(), job.leaseToken());
      }
      if (!attempt.finish()) {
        return; // timed out, lease lost or interrupted by shutdown: the other side finished it and releases the permit
      }
      attempts.remove(job.id(), attempt);
      attempt.timeout.cancel(false);
      if (leaseLost != null) {
        Thread.interrupted();
        observer.handlerFinished(subscription.name(), "lease_lost", attempt.elapsed());
        leases.release(job.ref());
        releasePermit();
        return;
      }
      if (Thread.interrupted()) {
        // An interrupt meant for the handler (it may have swallowed it) must not break the JDBC calls of the settle.
        LOG.debug("job {} of {}: cleared a leftover interrupt before recording its outcome", job.id(), subscription.name());
      }
      observer.handlerFinished(subscription.name(), label(outcome), attempt.elapsed());
      try {
        settle(job, outcome);
      } finally {
        releasePermit();
      }
    } finally {
      MDC.clear();
    }
  }

  /** The attempt ran out of time (or shutdown grace): interrupt its handler and record a retry on another thread. */
  private void expire(ClaimedJob job, Attempt attempt, String reason) {
    if (!attempt.finish()) {
      return; // the handler returned first
    }
    attempts.remove(job.id(), attempt);
    attempt.thread.interrupt();
    observer.handlerFinished(subscription.name(), "retry", attempt.elapsed());
    Runnable settleRetry = () -> {
      attempt.context().forEach(MDC::put);
      try {
        settle(job, Outcome.retry(reason));
      } finally {
        MDC.clear();
        releasePermit();
      }
    };
    try {
      handlers.execute(settleRetry);
    } catch (RejectedExecutionException e) {
      Thread.ofVirtual().name("jobs-" + subscription.name() + "-settle").start(settleRetry);
    }
  }

  /**
   * The MDC of every log line about this job, on the handler's thread and on the one settling its outcome: the job,
   * its subscription, and the HTTP request id ({@code httpRequestId}, not {@code requestId}: job lines also name
   * assistance requests by id) and W3C trace id of the call that caused it.
   */
  private Map<String, String> logContext(ClaimedJob job) {
    Map<String, String> context = new java.util.LinkedHashMap<>();
    context.put("jobId", Long.toString(job.id()));
    context.put("subscription", subscription.name());
    context.put("httpRequestId", job.header(OutboxEvent.CORRELATION_HEADER).orElse(""));
    job.header(OutboxEvent.TRACEPARENT_HEADER).flatMap(Traceparent::traceIdOf).ifPresent(traceId -> context.put("traceId", traceId));
    return Map.copyOf(context);
  }

  private static String label(Outcome outcome) {
    return switch (outcome) {
      case Outcome.Done done -> "done";
      case Outcome.Retry retry -> "retry";
      case Outcome.Defer defer -> "defer";
      case Outcome.Fail fail -> "fail";
    };
  }

  /**
   * Wakes the claim loop only when it waits for permits: one that waits for jobs (its last claim found fewer than it
   * could take) has nothing to gain from a returned permit, and waking it cost an empty claim per finished job.
   */
  private void releasePermit() {
    permits.release();
    if (waitingForPermits && permits.availablePermits() >= refillAt) {
      wakeup.signal();
    }
  }

  /** One running attempt: its handler's thread and its pending timeout; exactly one side gets to finish it. */
  private static final class Attempt {
    final ClaimedJob job;
    final Thread thread;
    private final Map<String, String> context;
    private final long startedNanos;
    final AtomicBoolean finished = new AtomicBoolean();
    volatile ScheduledFuture<?> timeout;

    Attempt(ClaimedJob job, Thread thread, Map<String, String> context, long startedNanos) {
      this.job = job;
      this.thread = thread;
      this.context = context;
      this.startedNanos = startedNanos;
    }

    Map<String, String> context() {
      return context;
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    boolean finish() {
      return finished.compareAndSet(false, true);
    }
  }

  private void settle(ClaimedJob job, Outcome outcome) {
    Instant now = clock.instant();
    try {
      switch (outcome) {
        case Outcome.Done done -> {
          completions.add(job.ref(), subscription.name());
          observer.completed(subscription.name());
          return;
        }
        case Outcome.Retry retry when subscription.retry().exhausted(job.attempt()) ->
            bury(job, now, "gave up after " + job.attempt() + " attempts; last: " + retry.reason());
        case Outcome.Retry retry -> {
          Duration delay = subscription.retry().delayAfter(job.attempt(), retry.after(), random);
          if (store.retry(job.ref(), now.plus(delay), new JobFailure(job.attempt(), now, settings.node(), retry.reason()))) {
            observer.retried(subscription.name());
            LOG.info("job {} of {} attempt {} will retry in {}: {}", job.id(), subscription.name(), job.attempt(), delay, retry.reason());
          } else {
            fencedOut(job, "retry");
          }
        }
        case Outcome.Defer defer -> {
          if (store.defer(job.ref(), now.plus(defer.after()))) {
            LOG.debug("job {} of {} held back for {} without spending an attempt: {}", job.id(), subscription.name(), defer.after(), defer.reason());
          } else {
            fencedOut(job, "defer");
          }
        }
        case Outcome.Fail fail -> bury(job, now, fail.reason());
      }
      leases.release(job.ref());
    } catch (RuntimeException e) {
      // The lease stops being extended, so the job comes back through lease rescue once the database answers.
      leases.release(job.ref());
      LOG.warn("could not record the outcome of job {} ({}); it will run again after its lease expires: {}", job.id(), outcome, e.toString());
    }
  }

  private void bury(ClaimedJob job, Instant now, String reason) {
    if (store.bury(job.ref(), new JobFailure(job.attempt(), now, settings.node(), reason))) {
      observer.dead(subscription.name());
      LOG.warn("job {} of {} is dead after attempt {}: {}", job.id(), subscription.name(), job.attempt(), reason);
    } else {
      fencedOut(job, "bury");
    }
  }

  private void fencedOut(ClaimedJob job, String kind) {
    observer.staleWrite(subscription.name(), kind);
    LOG.warn("job {} of {} attempt {}: {} ignored, its lease {} is gone (cancelled, rescued or timed out meanwhile)",
        job.id(), subscription.name(), job.attempt(), kind, job.leaseToken());
  }

  private void giveBack(ClaimedJob job) {
    try {
      store.giveBack(List.of(job.ref()));
    } catch (RuntimeException e) {
      LOG.warn("could not give back job {}; it returns when its lease expires: {}", job.id(), e.toString());
    } finally {
      leases.release(job.ref());
    }
  }
}
