package dev.relaybox.adapters.metrics;

import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.SubscriptionStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs per subscription and state ({@code relaybox_jobs{subscription,state}}) and the age of the oldest due job
 * ({@code relaybox_job_lag_seconds{subscription}}), read from the database on a timer rather than per scrape: the
 * count groups the whole job table. {@code relaybox_job_stats_age_seconds} says how old the last good reading is,
 * so a stuck reader shows instead of stale numbers looking healthy.
 */
public final class JobStateGauges implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobStateGauges.class);

  private final MeterRegistry registry;
  private final Supplier<List<SubscriptionStats>> stats;
  private final Clock clock;
  private final Map<String, SubscriptionStats> latest = new ConcurrentHashMap<>();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("metrics-job-stats").daemon().factory());
  private volatile Instant readAt;
  private volatile boolean failing;

  public JobStateGauges(MeterRegistry registry, Supplier<List<SubscriptionStats>> stats, Clock clock) {
    this.registry = registry;
    this.stats = stats;
    this.clock = clock;
    this.readAt = clock.instant();
    Gauge.builder("relaybox.job.stats.age", this, g -> Duration.between(g.readAt, g.clock.instant()).toMillis() / 1000.0)
        .description("Seconds since the job gauges were last read from the database")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Reads now, then every {@code interval}. */
  public JobStateGauges start(Duration interval) {
    refresh();
    long millis = Math.max(100, interval.toMillis());
    timer.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Reads the counts once; failures are logged once per outage and leave the last reading in place. */
  public void refresh() {
    try {
      for (SubscriptionStats s : stats.get()) {
        latest.put(s.subscription(), s);
        if (registered.add(s.subscription())) {
          register(s.subscription());
        }
      }
      readAt = clock.instant();
      if (failing) {
        LOG.info("job gauges are read again");
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn("could not read job counts for the metrics; keeping the last reading: {}", e.toString());
        failing = true;
      }
    }
  }

  private void register(String subscription) {
    for (JobState state : JobState.values()) {
      Gauge.builder("relaybox.jobs", latest, m -> count(m.get(subscription), state))
          .description("Jobs per subscription and state, cluster-wide (read periodically)")
          .tags("subscription", subscription, "state", state.wire())
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("relaybox.job.lag", latest, m -> lag(m.get(subscription)))
        .description("Age of the oldest due job per subscription, cluster-wide (0 when none waits)")
        .tag("subscription", subscription)
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }

  private static double count(SubscriptionStats s, JobState state) {
    return s == null ? 0 : s.counts().getOrDefault(state, 0L);
  }

  private static double lag(SubscriptionStats s) {
    return s == null ? 0 : s.oldestAvailableAge().map(d -> d.toMillis() / 1000.0).orElse(0.0);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
