package dev.relaybox.adapters.metrics;

import dev.relaybox.application.purchase.port.out.Purchases.AcknowledgementBacklog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google purchases that entitle but are not acknowledged, read from the shared database on a timer (so every node
 * reports the same cluster-wide value): {@code relaybox_purchases_unacknowledged} counts them and
 * {@code relaybox_purchases_unacknowledged_oldest_seconds} says how long the oldest has waited (0 when none). Google
 * refunds a purchase left unacknowledged for three days; docs/alerts.yml pages at 24 hours.
 */
public final class UnacknowledgedPurchaseGauges implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnacknowledgedPurchaseGauges.class);

  private final Supplier<AcknowledgementBacklog> backlog;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("metrics-unacknowledged-purchases").daemon().factory());
  private volatile AcknowledgementBacklog latest = new AcknowledgementBacklog(0, java.util.Optional.empty());
  private volatile boolean failing;

  public UnacknowledgedPurchaseGauges(MeterRegistry registry, Supplier<AcknowledgementBacklog> backlog, Clock clock) {
    this.backlog = backlog;
    this.clock = clock;
    Gauge.builder("relaybox.purchases.unacknowledged", this, g -> g.latest.count())
        .description("Google purchases that entitle but are not acknowledged yet, cluster-wide (read periodically)")
        .register(registry);
    Gauge.builder("relaybox.purchases.unacknowledged.oldest", this, UnacknowledgedPurchaseGauges::oldestSeconds)
        .description("How long the oldest unacknowledged Google purchase has entitled, cluster-wide (0 when none)")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Reads now, then every {@code interval}. */
  public UnacknowledgedPurchaseGauges start(Duration interval) {
    refresh();
    long millis = Math.max(100, interval.toMillis());
    timer.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  public void refresh() {
    try {
      latest = backlog.get();
      if (failing) {
        LOG.info("unacknowledged purchases are read again");
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn("could not read unacknowledged purchases for the metrics; keeping the last reading: {}", e.toString());
        failing = true;
      }
    }
  }

  private double oldestSeconds() {
    return latest.oldestEntitledAt().map(at -> Math.max(0, Duration.between(at, clock.instant()).toMillis() / 1000.0)).orElse(0.0);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
