package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.backend.StandardWebhooksCallbacks;
import dev.relaybox.adapters.http.payment.PaymentRoutes;
import dev.relaybox.adapters.http.payment.PaymentWebhookRoutes;
import dev.relaybox.adapters.http.payment.TransactionDocuments;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.adapters.paymentprovider.HttpPaymentProvider;
import dev.relaybox.adapters.persistence.jobs.JacksonPayloads;
import dev.relaybox.adapters.persistence.payment.JdbiAccounts;
import dev.relaybox.adapters.persistence.payment.JdbiPaymentTransactions;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.payment.ApplyToBalance;
import dev.relaybox.application.payment.CreateAtProvider;
import dev.relaybox.application.payment.DeliverCallback;
import dev.relaybox.application.payment.PaymentAnnouncements;
import dev.relaybox.application.payment.PaymentService;
import dev.relaybox.application.payment.PaymentSettings;
import dev.relaybox.application.payment.PollProvider;
import dev.relaybox.application.payment.ProviderWebhookService;
import dev.relaybox.application.payment.port.out.PaymentMetrics;
import dev.relaybox.application.payment.port.out.PaymentProvider;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payments wired by hand from the environment (the README's "Payments" section lists the variables). Without
 * {@code RELAYBOX_PAYMENT_PROVIDER_URL} accounts still work and transaction intake answers 503; without
 * {@code RELAYBOX_PAYMENT_WEBHOOK_SECRET} the provider webhook answers 503 and transactions settle by polling.
 */
record PaymentWiring(List<RouteModule> routes, List<HandlerRegistration> handlers, Function<String, Optional<?>> lookup) {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentWiring.class);

  static PaymentWiring create(Map<String, String> environment, Jdbi jdbi, JdbiUnitOfWork unitOfWork, Outbox outbox, Jobs jobs,
      ObjectMapper json, JsonBodies bodies, TimeOrderedIds ids, Clock clock, OutboundUrlGuard guard, PaymentMetrics metrics,
      UnaryOperator<PaymentProvider> meter) {
    Env env = new Env(environment);
    PaymentSettings defaults = PaymentSettings.defaults();
    PaymentSettings settings = new PaymentSettings(
        env.integer("RELAYBOX_PAYMENT_CREATE_RETRIES", defaults.createRetries(), 0, 20),
        env.duration("RELAYBOX_PAYMENT_CREATE_BACKOFF", defaults.createBackoff()),
        env.duration("RELAYBOX_PAYMENT_FIRST_POLL", defaults.firstPoll()),
        env.duration("RELAYBOX_PAYMENT_SECOND_POLL", defaults.secondPoll()),
        env.duration("RELAYBOX_PAYMENT_POLL_CAP", defaults.pollCap()),
        env.duration("RELAYBOX_PAYMENT_MAX_WAIT", defaults.maxWait()),
        env.duration("RELAYBOX_CALLBACK_RETRY_BASE", defaults.callbackRetryBase()),
        env.duration("RELAYBOX_CALLBACK_RETRY_CAP", defaults.callbackRetryCap()),
        env.integer("RELAYBOX_CALLBACK_MAX_ATTEMPTS", defaults.callbackMaxAttempts(), 1, 1000));
    if (settings.callbackRetryCap().compareTo(settings.callbackRetryBase()) < 0 || settings.callbackRetryBase().isZero()) {
      throw new ConfigException("RELAYBOX_CALLBACK_RETRY_BASE must be positive and at most RELAYBOX_CALLBACK_RETRY_CAP");
    }

    Optional<PaymentProvider> provider = provider(env, json).map(meter);
    PaymentProvider client = provider.orElseGet(PaymentWiring::unconfigured);
    StandardWebhooksCallbacks callbacks;
    try {
      callbacks = new StandardWebhooksCallbacks(env.text("RELAYBOX_CALLBACK_SECRET"),
          env.duration("RELAYBOX_CALLBACK_TIMEOUT", Duration.ofSeconds(10)), json, clock);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    Optional<String> webhookSecret = env.text("RELAYBOX_PAYMENT_WEBHOOK_SECRET");
    if (webhookSecret.isPresent() && !webhookSecret.get().startsWith("whsec_")) {
      throw new ConfigException("RELAYBOX_PAYMENT_WEBHOOK_SECRET must be a Standard Webhooks secret starting with whsec_");
    }
    if (provider.isPresent() && webhookSecret.isEmpty()) {
      LOG.warn("RELAYBOX_PAYMENT_WEBHOOK_SECRET is not set: /webhooks/payments answers 503 and transactions settle by polling only");
    }
    var payloads = new JacksonPayloads(json);
    var accounts = new JdbiAccounts(unitOfWork, jdbi);
    var transactions = new JdbiPaymentTransactions(unitOfWork, jdbi);
    var announcements = new PaymentAnnouncements(transactions, outbox, new TransactionDocuments(json), ids);
    var service = new PaymentService(unitOfWork, accounts, transactions, jobs, payloads, guard, provider.isPresent(), callbacks, metrics,
        announcements, ids, clock);
    var webhooks = new ProviderWebhookService(unitOfWork, transactions, jobs, payloads, clock);
    int concurrency = env.integer("RELAYBOX_PAYMENT_CONCURRENCY", 16, 1, 256);

    PaymentRoutes routes;
    PaymentWebhookRoutes webhookRoutes;
    try {
      routes = new PaymentRoutes(service, service, service, service, bodies);
      webhookRoutes = new PaymentWebhookRoutes(webhooks, webhookSecret, json);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new PaymentWiring(
        List.of(routes, webhookRoutes),
        List.of(
            new HandlerRegistration(ApplyToBalance.subscription(concurrency),
                new ApplyToBalance(unitOfWork, accounts, transactions, jobs, payloads, metrics, announcements, clock)),
            new HandlerRegistration(CreateAtProvider.subscription(settings, concurrency),
                new CreateAtProvider(unitOfWork, transactions, client, jobs, payloads, settings, metrics, clock)),
            new HandlerRegistration(PollProvider.subscription(concurrency),
                new PollProvider(unitOfWork, transactions, client, jobs, payloads, settings, clock)),
            new HandlerRegistration(DeliverCallback.subscription(settings, concurrency),
                new DeliverCallback(unitOfWork, transactions, jobs, payloads, callbacks, guard, clock))),
        routes::find);
  }

  private static Optional<PaymentProvider> provider(Env env, ObjectMapper json) {
    Optional<String> url = env.text("RELAYBOX_PAYMENT_PROVIDER_URL");
    if (url.isEmpty()) {
      LOG.info("payment provider not configured (RELAYBOX_PAYMENT_PROVIDER_URL): transaction intake answers 503");
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(url.get());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("RELAYBOX_PAYMENT_PROVIDER_URL must be an http(s) URL");
    }
    String key = env.text("RELAYBOX_PAYMENT_PROVIDER_KEY")
        .orElseThrow(() -> new ConfigException("RELAYBOX_PAYMENT_PROVIDER_KEY is required with RELAYBOX_PAYMENT_PROVIDER_URL"));
    return Optional.of(new HttpPaymentProvider(uri, key, env.duration("RELAYBOX_PAYMENT_PROVIDER_TIMEOUT", Duration.ofSeconds(10)), json));
  }

  /** Never called: intake refuses transactions while no provider is configured. Jobs left from before wait for one. */
  private static PaymentProvider unconfigured() {
    return new PaymentProvider() {
      @Override
      public Lookup find(java.util.UUID transactionId) {
        return new Lookup.Throttled(Duration.ofMinutes(5));
      }

      @Override
      public Creation create(ProviderRequest request) {
        return new Creation.Throttled(Duration.ofMinutes(5));
      }
    };
  }
}
