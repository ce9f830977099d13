package dev.relaybox.application.jobs.runner;

import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.JobObserver;
import dev.relaybox.application.jobs.MaintenanceReport;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.JobSignals;
import dev.relaybox.application.jobs.port.out.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.relaybox.application.jobs.JobRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's share of the engine: the outbox relay, one claim loop per subscription, batched completions,
 * lease heartbeats and, when this node wins the advisory lock, maintenance. Every node runs the same runner; they
 * coordinate only through rows and locks in Postgres.
 */
public final class JobRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final JobStore store;
  private final JobSignals signals;
  private final RunnerSettings settings;
  private final Clock clock;
  private final Map<String, SubscriptionWorker> workers = new LinkedHashMap<>();
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService maintenance;
  private final ScheduledExecutorService heartbeats;
  private final ScheduledExecutorService timeouts;
  private final LeaseBook leases = new LeaseBook();
  private final CompletionBatcher completions;
  private final OutboxRelayLoop relay;
  private final List<Subscription> subscriptions;
  private final List<SubscriptionWorker> fifoWorkers;
  private final OutageLog heartbeatOutage = new OutageLog(LOG, "extending leases");
  private final OutageLog maintenanceOutage = new OutageLog(LOG, "maintenance");
  private final JobObserver observer;
  private volatile boolean started;
  private volatile boolean closed;

  public JobRunner(JobStore store, JobSignals signals, List<HandlerRegistration> registrations, RunnerSettings settings,
      Clock clock, RandomGenerator random) {
    this(store, signals, registrations, settings, clock, random, JobObserver.NONE);
  }

  /** A runner that reports claims, outcomes and handler durations to {@code observer} (metrics, the dashboard). */
  public JobRunner(JobStore store, JobSignals signals, List<HandlerRegistration> registrations, RunnerSettings settings,
      Clock clock, RandomGenerator random, JobObserver observer) {
    this.store = store;
    this.signals = signals;
    this.settings = settings;
    this.clock = clock;
    this.observer = observer;
    // Heartbeats and maintenance each get their own thread: a maintenance run that is slow (a large prune, a lock
    // wait) must never delay a heartbeat past the lease and let a healthy node's jobs be rescued.
    this.maintenance = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("job-maintenance").daemon().factory());
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("job-heartbeats").daemon().factory());
    // Handler timeouts: one task per running job, almost all cancelled when the handler returns, so cancelled tasks
    // must leave the queue at once. Their own thread, so a slow heartbeat never delays a timeout.
    ScheduledThreadPoolExecutor timeoutTimer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("job-timeouts").daemon().factory());
    timeoutTimer.setRemoveOnCancelPolicy(true);
    this.timeouts = timeoutTimer;
    this.completions = new CompletionBatcher(store, clock, 1_000, settings.pollInterval(), settings.batchWindow(),
        this::afterCompletionsWritten, observer);
    for (HandlerRegistration registration : registrations) {
      String name = registration.subscription().name();
      if (workers.containsKey(name)) {
        throw new IllegalArgumentException("two handlers registered for subscription " + name);
      }
      workers.put(name, new SubscriptionWorker(registration, store, settings, clock, random, handlers, timeouts, completions, leases,
          observer));
    }
    this.subscriptions = registrations.stream().map(HandlerRegistration::subscription).toList();
    this.fifoWorkers = workers.values().stream().filter(w -> w.fifoPerKey()).toList();
    this.relay = new OutboxRelayLoop(store, settings, clock, this::wake);
  }

  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("runner already started");
    }
    started = true;
    store.registerSubscriptions(subscriptions);
    signals.listen(new JobSignals.Listener() {
      @Override public void outboxAppended() {
        relay.wake();
      }

      @Override public void jobsAvailable(String subscription) {
        wake(subscription);
      }

      @Override public void resync() {
        relay.wake();
        workers.values().forEach(SubscriptionWorker::wake);
      }

      @Override public void leaseRevoked(JobRef lease) {
        workers.values().forEach(worker -> worker.leaseLost(lease, "cancelled by an operator"));
      }
    });
    completions.start();
    relay.start();
    workers.values().forEach(SubscriptionWorker::start);
    long heartbeatMillis = Math.max(100, settings.lease().toMillis() / 3);
    heartbeats.scheduleWithFixedDelay(this::heartbeat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    long maintenanceMillis = settings.maintenanceInterval().toMillis();
    maintenance.scheduleWithFixedDelay(this::maintain, maintenanceMillis, maintenanceMillis, TimeUnit.MILLISECONDS);
    LOG.info("job runner started on node {} with subscriptions {}", settings.node(), workers.keySet());
  }

  /** Wakes the claim loop of a subscription this node runs; others are ignored. */
  public void wake(String subscription) {
    SubscriptionWorker worker = workers.get(subscription);
    if (worker != null) {
      worker.wake();
    }
  }

  public List<Subscription> subscriptions() {
    return subscriptions;
  }

  /** Jobs this node is running right now, per subscription. */
  public Map<String, Integer> inFlight() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    workers.forEach((name, worker) -> counts.put(name, worker.inFlight()));
    return counts;
  }

  /**
   * Stops claiming, lets in-flight jobs finish within the shutdown grace, interrupts what is still running, gives
   * back leases never started and writes the completions still queued.
   */
  @Override
  public synchronized void close() {
    if (closed || !started) {
      closed = true;
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
    LOG.info("job runner stopping; waiting up to {} for {} in-flight jobs", settings.shutdownGrace(), totalInFlight());
    try {
      relay.stop();
      for (SubscriptionWorker worker : workers.values()) {
        worker.stopClaiming();
      }
      for (SubscriptionWorker worker : workers.values()) {
        worker.awaitLoopExit(Duration.ofSeconds(5));
      }
      while (totalInFlight() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      if (totalInFlight() > 0) {
        LOG.warn("{} jobs still running after the shutdown grace; interrupting them", totalInFlight());
        workers.values().forEach(SubscriptionWorker::interruptHandlers);
      }
      // Not shutdownNow() up front: interrupting the threads that record outcomes would break their JDBC calls and
      // leave the jobs leased until the lease expires.
      handlers.shutdown();
      if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
      }
      completions.stop(Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      maintenance.shutdownNow();
      heartbeats.shutdownNow();
      timeouts.shutdownNow();
    }
    LOG.info("job runner stopped");
  }

  /**
   * A written completion lets claim loops that were holding back for unwritten completions go on, and frees the next
   * job of its key on FIFO subscriptions, so their claim loops look again at once instead of at the next poll. Only
   * the FIFO subscriptions that had a completion in the batch: a FIFO claim is the engine's dearest query, and waking
   * every FIFO loop on every batch of any subscription ran it hundreds of times a second for nothing.
   */
  private void afterCompletionsWritten(List<JobRef> written, Set<String> subscriptions) {
    leases.releaseAll(written);
    workers.values().forEach(SubscriptionWorker::completionsWritten);
    fifoWorkers.stream().filter(w -> subscriptions.contains(w.name())).forEach(SubscriptionWorker::wake);
  }

  private int totalInFlight() {
    return workers.values().stream().mapToInt(SubscriptionWorker::inFlight).sum();
  }

  private void heartbeat() {
    var held = leases.snapshot();
    if (held.isEmpty()) {
      return;
    }
    List<JobRef> lost;
    try {
      lost = store.extendLeases(settings.node(), held, clock.instant().plus(settings.lease()));
      heartbeatOutage.succeeded();
    } catch (RuntimeException e) {
      heartbeatOutage.failed(e);
      return;
    }
    for (JobRef lease : lost) {
      leaseLost(lease);
    }
  }

  /**
   * The job no longer runs under this lease: stop extending it and interrupt its handler if it still runs. A lease
   * whose handler already returned is dropped quietly; its queued completion or settle meets the fence and says so.
   */
  private void leaseLost(JobRef lease) {
    leases.release(lease);
    for (SubscriptionWorker worker : workers.values()) {
      if (worker.leaseLost(lease, "the heartbeat found the job no longer running under its token")) {
        observer.staleWrite(worker.name(), "heartbeat");
        return;
      }
    }
  }

  private void maintain() {
    try {
      Instant now = clock.instant();
      Optional<MaintenanceReport> report = store.maintain(now, now.minus(settings.retention()), settings.pruneBatch());
      maintenanceOutage.succeeded();
      report.filter(MaintenanceReport::didAnything).ifPresent(r -> {
        LOG.info("maintenance: rescued {} expired leases ({} now dead), pruned {} jobs, {} events and {} webhook delivery attempts",
            r.rescued(), r.buriedOnRescue(), r.prunedJobs(), r.prunedEvents(), r.prunedDeliveryAttempts());
        if (r.rescued() > 0) {
          workers.values().forEach(SubscriptionWorker::wake);
        }
      });
    } catch (RuntimeException e) {
      maintenanceOutage.failed(e);
    }
  }
}
