package dev.relaybox.bootstrap;

import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.http.shared.RequestObserver;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.adapters.metrics.HttpMetrics;
import dev.relaybox.adapters.metrics.JobStateGauges;
import dev.relaybox.adapters.metrics.MeteredChannel;
import dev.relaybox.adapters.metrics.MeteredPaymentProvider;
import dev.relaybox.adapters.metrics.MicrometerPaymentMetrics;
import dev.relaybox.adapters.metrics.MicrometerJobObserver;
import dev.relaybox.adapters.metrics.RelayboxMetrics;
import dev.relaybox.adapters.notify.resilience.CircuitState;
import dev.relaybox.adapters.notify.resilience.ResilientChannel;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.JobObserver;
import dev.relaybox.application.jobs.SubscriptionStats;
import dev.relaybox.application.jobs.ThroughputRing;
import dev.relaybox.application.jobs.port.in.ObserveThroughputUseCase;
import dev.relaybox.application.payment.port.out.PaymentMetrics;
import dev.relaybox.application.payment.port.out.PaymentProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Metrics, channel health and the dashboard's throughput ring, wired in one place so {@link Relaybox} only hands
 * things over: the pool, each resilient channel, the runner's observer, the job stats and the HTTP hooks.
 */
final class OperabilityWiring implements AutoCloseable {
  static final Duration DEFAULT_REFRESH = Duration.ofSeconds(15);

  private final RelayboxMetrics metrics;
  private final MicrometerJobObserver jobMetrics;
  private final ThroughputRing throughput;
  private final HttpMetrics http;
  private final Clock clock;
  private final Duration refresh;
  private final Map<String, ResilientChannel> channels = new ConcurrentHashMap<>();
  private JobStateGauges gauges;

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

  ObserveThroughputUseCase throughput() {
    return throughput;
  }

  /** Starts reading job counts and lag from the database every {@code RELAYBOX_METRICS_REFRESH}. */
  void watchJobs(Supplier<List<SubscriptionStats>> stats) {
    gauges = new JobStateGauges(metrics.registry(), stats, clock).start(refresh);
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

  @Override
  public void close() {
    if (gauges != null) {
      gauges.close();
    }
    metrics.close();
  }
}
