package dev.relaybox.bootstrap;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.http.shared.RequestObserver;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.adapters.metrics.HttpMetrics;
import dev.relaybox.adapters.metrics.JobStateGauges;
import dev.relaybox.adapters.metrics.MeteredChannel;
import dev.relaybox.adapters.metrics.MeteredPaymentProvider;
import dev.relaybox.adapters.metrics.MicrometerPaymentMetrics;
import dev.relaybox.adapters.metrics.MeteredWebhookRefusals;
import dev.relaybox.application.purchase.port.out.WebhookRefusals;
import dev.relaybox.adapters.metrics.MicrometerJobObserver;
import dev.relaybox.adapters.metrics.MeteredCommerce;
import dev.relaybox.adapters.metrics.RelayboxMetrics;
import dev.relaybox.adapters.metrics.UnacknowledgedPurchaseGauges;
import dev.relaybox.adapters.notify.resilience.CircuitState;
import dev.relaybox.adapters.notify.resilience.ResilientChannel;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.JobObserver;
import dev.relaybox.application.jobs.SubscriptionStats;
import dev.relaybox.application.jobs.FleetThroughputView;
import dev.relaybox.application.jobs.ThroughputRing;
import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase;
import dev.relaybox.application.payment.port.out.PaymentMetrics;
import dev.relaybox.application.payment.port.out.PaymentProvider;
import dev.relaybox.application.purchase.port.out.Purchases.AcknowledgementBacklog;
import dev.relaybox.application.jobs.port.out.FleetThroughput;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics, channel health and the dashboard's throughput ring, wired in one place so {@link Relaybox} only hands
 * things over: the pool, each resilient channel, the runner's observer, the job stats and the HTTP hooks.
 */
final class OperabilityWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperabilityWiring.class);
  static final Duration DEFAULT_REFRESH = Duration.ofSeconds(15);
  /** How often this node's throughput counts reach the shared table the dashboard reads. */
  static final Duration THROUGHPUT_PUBLISH = Duration.ofSeconds(5);

  private final RelayboxMetrics metrics;
  private final MicrometerJobObserver jobMetrics;
  private final ThroughputRing throughput;
  private final HttpMetrics http;
  private final Clock clock;
  private final Duration refresh;
  private final Map<String, ResilientChannel> channels = new ConcurrentHashMap<>();
  private JobStateGauges gauges;
  private UnacknowledgedPurchaseGauges unacknowledged;
  private FleetThroughputView fleetThroughput;
  private ScheduledExecutorService publisher;

  OperabilityWiring(RelayboxConfig config, Clock clock) {
    this.clock = clock;
    this.refresh = new Env(config.environment()).duration("RELAYBOX_METRICS_REFRESH", DEFAULT_REFRESH);
    this.metrics = new RelayboxMetrics();
    this.jobMetrics = new MicrometerJobObserver(metrics.registry());
    this.throughput = new ThroughputRing(clock);
    this.http = new HttpMetrics(metrics.registry());
  }

  /** HikariCP registers its pool meters ({@code hikaricp_connections_*}) on our registry. */
  void instrument(HikariDataSource pool) {
    pool.setMetricRegistry(metrics.registry());
  }

  /** Counts each channel's outcomes around its limits and exposes its circuit state to metrics and readiness. */
  NotificationChannel decorate(ResilientChannel channel) {
    channels.put(channel.name(), channel);
    MeteredChannel.circuitState(metrics.registry(), channel.name(),
        Arrays.stream(CircuitState.values()).map(CircuitState::label).toList(), () -> channel.circuitState().label());
    return new MeteredChannel(channel, metrics.registry());
  }

  /** Times each commerce call and exposes each commerce port's circuit state. */
  MeteredCommerce commerceMetrics() {
    return new MeteredCommerce(metrics.registry());
  }

  PaymentMetrics paymentMetrics() {
    return new MicrometerPaymentMetrics(metrics.registry());
  }

  /** Times each provider call by operation and outcome. */
  PaymentProvider meterProvider(PaymentProvider provider) {
    return new MeteredPaymentProvider(provider, metrics.registry());
  }

  JobObserver jobObserver(List<String> subscriptions) {
    jobMetrics.forSubscriptions(subscriptions);
    return JobObserver.all(List.of(jobMetrics, throughput));
  }

  /**
   * The dashboard's throughput for the whole fleet: this node's counts go to {@code fleet} every
   * {@link #THROUGHPUT_PUBLISH} and once more at close, and the page reads every node's.
   */
  ObserveThroughputUseCase fleetThroughput(FleetThroughput fleet, String nodeId) {
    fleetThroughput = new FleetThroughputView(throughput, fleet, nodeId, clock.instant(), clock);
    publisher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("throughput-publisher").daemon().factory());
    publisher.scheduleWithFixedDelay(this::publishThroughput, THROUGHPUT_PUBLISH.toMillis(), THROUGHPUT_PUBLISH.toMillis(),
        TimeUnit.MILLISECONDS);
    return fleetThroughput;
  }

  private void publishThroughput() {
    try {
      fleetThroughput.publish();
    } catch (RuntimeException e) {
      // The next round writes the same absolute counts again; nothing is lost by skipping one.
      LOG.debug("could not publish throughput counts: {}", e.toString());
    }
  }

  /** Starts reading job counts and lag from the database every {@code RELAYBOX_METRICS_REFRESH}. */
  void watchJobs(Supplier<List<SubscriptionStats>> stats) {
    gauges = new JobStateGauges(metrics.registry(), stats, clock).start(refresh);
  }

  WebhookRefusals webhookRefusals() {
    return new MeteredWebhookRefusals(metrics.registry(), Duration.ofSeconds(10));
  }

  /** Starts reading the unacknowledged Google purchases from the database every {@code RELAYBOX_METRICS_REFRESH}. */
  void watchUnacknowledgedPurchases(Supplier<AcknowledgementBacklog> backlog) {
    unacknowledged = new UnacknowledgedPurchaseGauges(metrics.registry(), backlog, clock).start(refresh);
  }

  RequestObserver requestObserver() {
    return http::record;
  }

  RouteModule metricsRoute() {
    return routes -> routes.get("/metrics", ctx -> ctx.contentType(RelayboxMetrics.CONTENT_TYPE).result(metrics.scrape()));
  }

  /** Channel name → circuit state label, for readiness. */
  Map<String, String> channelStates() {
    Map<String, String> states = new LinkedHashMap<>();
    channels.keySet().stream().sorted().forEach(name -> states.put(name, channels.get(name).circuitState().label()));
    return states;
  }

  /** Closed after the runner and before the pool: this node's last counts are written on the way out. */
  @Override
  public void close() {
    if (publisher != null) {
      publisher.shutdownNow();
      publishThroughput();
    }
    if (gauges != null) {
      gauges.close();
    }
    if (unacknowledged != null) {
      unacknowledged.close();
    }
    metrics.close();
  }
}
