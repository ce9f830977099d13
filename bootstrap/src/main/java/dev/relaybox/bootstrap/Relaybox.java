package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.http.assistance.AssistanceRoutes;
import dev.relaybox.adapters.http.jobs.JobAdminRoutes;
import dev.relaybox.adapters.http.purchase.EndpointAdminRoutes;
import dev.relaybox.adapters.http.jobs.LookupRoutes;
import dev.relaybox.adapters.http.shared.ApiDocsRoutes;
import dev.relaybox.adapters.http.shared.OpsDashboardRoutes;
import dev.relaybox.adapters.http.shared.ApiKeyAuthenticator;
import dev.relaybox.adapters.http.shared.CachedReadiness;
import dev.relaybox.adapters.http.shared.HealthRoutes;
import dev.relaybox.adapters.http.shared.HttpServer;
import dev.relaybox.adapters.http.shared.HttpSettings;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.JsonSupport;
import dev.relaybox.adapters.http.shared.RequestIds;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.adapters.http.shared.RouteInfo;
import dev.relaybox.adapters.notify.resilience.ResilientChannel;
import dev.relaybox.adapters.persistence.jobs.JacksonPayloads;
import dev.relaybox.adapters.persistence.assistance.JdbiAssistanceRequests;
import dev.relaybox.adapters.persistence.assistance.JdbiIdempotencyKeys;
import dev.relaybox.adapters.persistence.auth.JdbiApiKeyStore;
import dev.relaybox.adapters.persistence.jobs.JdbiJobs;
import dev.relaybox.adapters.persistence.purchase.JdbiPurchaseAudit;
import dev.relaybox.adapters.persistence.jobs.JdbiOutbox;
import dev.relaybox.adapters.persistence.jobs.JdbiSendPermits;
import dev.relaybox.adapters.persistence.shared.GroupCommitUnitOfWork;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.assistance.AssistanceService;
import dev.relaybox.application.assistance.DeliverAssistanceRequest;
import dev.relaybox.application.assistance.RoutingTable;
import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.RetryPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import dev.relaybox.adapters.persistence.jobs.JdbiFleetThroughput;
import dev.relaybox.adapters.persistence.jobs.JdbiJobAdmin;
import dev.relaybox.adapters.persistence.jobs.JdbiJobStore;
import dev.relaybox.adapters.persistence.jobs.OutboxSignal;
import dev.relaybox.adapters.persistence.jobs.PgNotificationListener;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.DatabaseHealth;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.adapters.persistence.shared.EmbeddedDatabase;
import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.adapters.http.auth.ApiKeyRoutes;
import dev.relaybox.application.auth.ApiKeyCache;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import dev.relaybox.application.auth.ApiKeys;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.admin.JobAdministration;
import dev.relaybox.application.jobs.runner.JobRunner;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole application wired by hand: database, engine, HTTP. {@link #close()} stops it in reverse order: the HTTP
 * server drains, the runner finishes its jobs, then the pool and the embedded database close.
 */
public final class Relaybox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Relaybox.class);

  private final Deque<AutoCloseable> closeInReverse = new ArrayDeque<>();
  private final HttpServer http;
  private final Optional<String> firstApiKey;
  private final JobRunner runner;
  private final OutboundUrlGuard outboundUrls;

  private Relaybox(RelayboxConfig config, Clock clock) {
    try {
      JdbcTarget target = openDatabase(config);
      HikariDataSource pool = ConnectionPool.open(target, config.dbPoolSize(), config.dbLockTimeout());
      closeInReverse.push(pool);
      OperabilityWiring ops = new OperabilityWiring(config, clock);
      closeInReverse.push(ops);
      ops.instrument(pool);
      DatabaseHealth health = DatabaseHealth.afterMigrating(pool);
      Jdbi jdbi = Databases.jdbi(pool);
      ObjectMapper json = JsonSupport.mapper();
      TimeOrderedIds ids = new TimeOrderedIds(clock, new SecureRandom());

      AbuseLimits limits = AbuseLimits.from(config.environment(), config.maxInFlight());
      outboundUrls = OutboundUrlGuard.usingDns(limits.allowPrivateUrls());
      JdbiApiKeyStore keyStore = new JdbiApiKeyStore(jdbi, ids, clock);
      ApiKeys apiKeys = new ApiKeys(keyStore, new SecureRandom());
      firstApiKey = config.embeddedDatabase()
          ? apiKeys.issueFirstKeyIfNone(config.apiKeys(), config.adminKeys())
          : Optional.empty();
      if (apiKeys.generatedKeyIgnored(config.apiKeys(), config.adminKeys())) {
        LOG.warn("the key generated on first start is no longer accepted, because keys come from RELAYBOX_API_KEYS/RELAYBOX_ADMIN_KEYS");
      }
      ApiKeyCache keyCache = new ApiKeyCache(apiKeys, keyStore, config.apiKeys(), config.adminKeys(), clock);
      if (keyCache.ring().isEmpty()) {
        LOG.warn("no API keys are configured: every /v1 and /admin request will get 401. Set RELAYBOX_API_KEYS and RELAYBOX_ADMIN_KEYS");
      }
      // started with the job runner below; key changes announced by any node reach this node's key ring through it
      PgNotificationListener listener = new PgNotificationListener(target);
      closeInReverse.push(KeyCacheRefresher.start(keyCache, limits.keyRefresh(), listener));

      JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
      OutboxSignal outboxSignal = new OutboxSignal(jdbi, config.batchWindow()); // closed after the group commit, whose last batches raise it
      closeInReverse.push(outboxSignal);
      // Intake and the assistance delivery's records share one group commit: their units are short, repeatable writes,
      // and a busy node then pays one COMMIT (and one WAL flush) per batch of them instead of one per request.
      GroupCommitUnitOfWork groupCommits = new GroupCommitUnitOfWork(unitOfWork,
          new GroupCommitUnitOfWork.Settings(config.intakeWriters(), 128, config.intakeTimeout(), config.intakeLockTimeout()), clock,
          ConnectionPool.evictAll(pool));
      closeInReverse.push(groupCommits);
      JdbiOutbox outbox = new JdbiOutbox(unitOfWork, json, clock, outboxSignal);
      JdbiJobs jobs = new JdbiJobs(unitOfWork, json, clock);

      Set<String> knownChannels = new TreeSet<>();
      ChannelSettings channelSettings = new ChannelSettings(config.environment(), clock);
      JdbiSendPermits sendPermits = new JdbiSendPermits(jdbi, clock); // rate limits for the whole fleet
      Map<String, NotificationChannel> channels = NotificationChannels.load(
          channelSettings, channel -> ops.decorate(ResilientChannel.wrap(channel, channelSettings, sendPermits)), knownChannels);
      RoutingTable routing = NotificationChannels.routes(config.routes(), knownChannels, channels.keySet());
      JdbiAssistanceRequests assistanceRequests = new JdbiAssistanceRequests(unitOfWork, jdbi);
      AssistanceService assistance = new AssistanceService(groupCommits, assistanceRequests,
          new JdbiIdempotencyKeys(unitOfWork, clock), outbox, new JacksonPayloads(json), routing, ids, clock);
      DeliverAssistanceRequest delivery = new DeliverAssistanceRequest(groupCommits, assistanceRequests, routing, channels,
          new RetryPolicy(config.channelRetryBase(), config.channelRetryCap(), config.channelMaxAttempts()), clock, new SplittableRandom());

      JsonBodies bodies = new JsonBodies(json);
      PurchaseWiring purchases = PurchaseWiring.create(config.environment(), jdbi, unitOfWork, outbox, jobs, json, bodies, ids, clock,
          ops.webhookRefusals());
      PaymentWiring payments = PaymentWiring.create(config.environment(), jdbi, unitOfWork, outbox, jobs, json, bodies, ids, clock,
          outboundUrls, ops.paymentMetrics(), ops::meterProvider);
      OrderWiring orders = OrderWiring.create(config.environment(), jdbi, unitOfWork, outbox, jobs, json, bodies, ids, clock,
          ops.commerceMetrics());
      WebhookWiring webhooks = WebhookWiring.create(config.environment(), jdbi, unitOfWork, jobs, json, bodies, ids, clock, config.retention(),
          new PurchaseDeliveryAudit(new JdbiPurchaseAudit(unitOfWork, jdbi), json, ids));

      JdbiJobStore jobStore = new JdbiJobStore(jdbi, json);
      List<HandlerRegistration> handlers = new ArrayList<>(List.of(
          new HandlerRegistration(DeliverAssistanceRequest.subscription(config.assistanceConcurrency(), Duration.ofSeconds(60)), delivery)));
      handlers.addAll(purchases.handlers());
      handlers.addAll(orders.handlers());
      handlers.addAll(webhooks.handlers());
      handlers.addAll(payments.handlers());
      runner = new JobRunner(jobStore, listener, handlers, runnerSettings(config), clock, new SplittableRandom(),
          ops.jobObserver(handlers.stream().map(h -> h.subscription().name()).toList()));
      closeInReverse.push(listener);
      closeInReverse.push(runner);
      listener.start();
      runner.start();
      // after the runner registered its subscriptions: a fresh database has the fan-out's row only from then on
      webhooks.service().alignFanOut();

      JobAdministration administration = new JobAdministration(new JdbiJobAdmin(jdbi, unitOfWork, json), unitOfWork, handlers, clock);
      ops.watchJobs(administration::stats);
      ops.watchUnacknowledgedPurchases(purchases.acknowledgementBacklog());
      AssistanceRoutes assistanceRoutes = new AssistanceRoutes(assistance, assistance, assistance, bodies, json);
      ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(keyCache::authenticate, limits.keyLimits());
      HttpServer[] server = new HttpServer[1];
      server[0] = new HttpServer(
          new HttpSettings(config.httpHost(), config.httpPort(), config.maxBodyBytes(), config.shutdownGrace(), config.maxInFlight(),
              limits.requestDeadline(), limits.minBytesPerSecond(), limits.maxConnectionsPerAddress(), limits.maxInFlightPerAddress(),
              shutdownDelay(config), limits.maxConnections()),
          json,
          new RequestIds(ids),
          authenticator,
          Stream.concat(Stream.<RouteModule>of(
              new HealthRoutes(CachedReadiness.of(health::problem), () -> server[0].draining(), ops::channelStates,
                  ctx -> authenticator.permits(ctx, ApiScope.ADMIN)),
              assistanceRoutes,
              new JobAdminRoutes(administration, administration, administration, administration, bodies,
                  ops.fleetThroughput(new JdbiFleetThroughput(jdbi), config.nodeId())),
              new ApiKeyRoutes(keyCache, bodies),
              new LookupRoutes(administration, Map.of("assistance", assistanceRoutes::find, "purchase", purchases.lookup(),
                  "payment", payments.lookup(), "order", orders.routes()::find)),
              ops.metricsRoute(),
              new ApiDocsRoutes(),
              new OpsDashboardRoutes(),
              orders.routes(),
              webhooks.routes(),
              new EndpointAdminRoutes(new NamedEndpointAdmin(webhooks.service()))),
              Stream.concat(purchases.routes().stream(), payments.routes().stream())).toList(),
          ops.requestObserver());
      http = server[0].start();
      closeInReverse.push(http);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public static Relaybox start(RelayboxConfig config, Clock clock) {
    LOG.info("starting Relaybox: {}", config);
    return new Relaybox(config, clock);
  }

  private JdbcTarget openDatabase(RelayboxConfig config) {
    if (config.databaseUrl().isPresent()) {
      return JdbcTarget.parse(config.databaseUrl().get());
    }
    var dataDir = config.dataDir().resolve("postgres");
    LOG.warn("DATABASE_URL is not set: using the embedded PostgreSQL in {} (the development default; set DATABASE_URL in production)",
        dataDir.toAbsolutePath().normalize());
    EmbeddedDatabase embedded = EmbeddedDatabase.start(dataDir);
    closeInReverse.push(embedded);
    return embedded.target();
  }

  private static RunnerSettings runnerSettings(RelayboxConfig config) {
    return RunnerSettings.defaults(config.nodeId())
        .withPollInterval(config.pollInterval())
        .withLease(config.jobLease())
        .withRetention(config.retention())
        .withMaintenanceInterval(config.maintenanceInterval())
        .withShutdownGrace(config.shutdownGrace())
        .withBatchWindow(config.batchWindow());
  }

  public int httpPort() {
    return http.port();
  }

  /** The API key generated on first start of an empty embedded database; shown once, never stored in clear. */
  public Optional<String> firstApiKey() {
    return firstApiKey;
  }

  /** Every HTTP route the server registered, for the test that holds the OpenAPI document to them. */
  public List<RouteInfo> httpRoutes() {
    return http.routes();
  }

  /**
   * The check for every URL a caller hands Relaybox (webhook endpoints, callback URLs), honouring
   * {@code RELAYBOX_ALLOW_PRIVATE_URLS}; check at registration and again before each send.
   */
  public OutboundUrlGuard outboundUrls() {
    return outboundUrls;
  }

  public JobRunner runner() {
    return runner;
  }

  @Override
  public synchronized void close() {
    while (!closeInReverse.isEmpty()) {
      AutoCloseable next = closeInReverse.pop();
      try {
        next.close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}: {}", next.getClass().getSimpleName(), e.toString());
      }
    }
  }

  /** Env refuses a negative duration; RelayboxConfig's bound refuses one past a minute. */
  private static Duration shutdownDelay(RelayboxConfig config) {
    return RelayboxConfig.atMost("RELAYBOX_SHUTDOWN_DELAY",
        new Env(config.environment()).duration("RELAYBOX_SHUTDOWN_DELAY", Duration.ZERO), Duration.ofMinutes(1));
  }

}
