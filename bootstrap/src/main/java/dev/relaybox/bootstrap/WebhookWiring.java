package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.backend.StandardWebhooksSender;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.webhooks.WebhookEndpointRoutes;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.adapters.persistence.webhooks.JdbiEventHistory;
import dev.relaybox.adapters.persistence.webhooks.JdbiWebhookEndpoints;
import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.purchase.BackendRetrySchedule;
import dev.relaybox.application.webhooks.DeliverWebhook;
import dev.relaybox.application.webhooks.EventCatalogue;
import dev.relaybox.application.webhooks.FanOutEvents;
import dev.relaybox.adapters.persistence.jobs.JdbiSubscriptionInterest;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import dev.relaybox.application.webhooks.WebhookEndpoint;
import dev.relaybox.application.webhooks.WebhookEndpointService;
import dev.relaybox.application.webhooks.port.out.DeliveryListener;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook endpoints: the fan-out subscription, the delivery subscription, the admin routes, and the main backend
 * configured as the managed endpoint {@code backend} from {@code RELAYBOX_BACKEND_WEBHOOK_URL} and
 * {@code RELAYBOX_BACKEND_WEBHOOK_SECRET}.
 */
record WebhookWiring(WebhookEndpointRoutes routes, List<HandlerRegistration> handlers, WebhookEndpointService service,
    Optional<WebhookEndpoint> backend) {
  static final String BACKEND = "backend";
  private static final String UNCONFIGURED = "RELAYBOX_BACKEND_WEBHOOK_URL is not set";
  /** The subscription that delivered purchase events to the backend before it became a webhook endpoint. */
  private static final String LEGACY_BACKEND_SUBSCRIPTION = "purchase.backend";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookWiring.class);

  static WebhookWiring create(Map<String, String> environment, Jdbi jdbi, JdbiUnitOfWork unitOfWork, Jobs jobs, ObjectMapper json,
      JsonBodies bodies, TimeOrderedIds ids, Clock clock, Duration retention, DeliveryListener listener) {
    Env env = new Env(environment);
    boolean allowPrivate = Boolean.parseBoolean(env.text("RELAYBOX_ALLOW_PRIVATE_URLS", "false"));
    OutboundUrlGuard guard = OutboundUrlGuard.usingDns(allowPrivate);
    var endpoints = new JdbiWebhookEndpoints(jdbi, json);
    var history = new JdbiEventHistory(jdbi, json);
    SecureRandom random = new SecureRandom();
    var service = new WebhookEndpointService(unitOfWork, endpoints, history, jobs, new JdbiSubscriptionInterest(unitOfWork), guard, () -> {
      byte[] key = new byte[32];
      random.nextBytes(key);
      return "whsec_" + Base64.getEncoder().encodeToString(key);
    }, ids, clock, retention);
    var schedule = BackendRetrySchedule.standard(PurchaseWiring.scale(env.text("RELAYBOX_BACKEND_RETRY_SCALE", "1")));
    var sender = new StandardWebhooksSender(env.duration("RELAYBOX_WEBHOOK_TIMEOUT", Duration.ofSeconds(10)), json, clock);
    var deliver = new DeliverWebhook(endpoints, jobs, sender, guard, schedule, ids, clock, new SplittableRandom(), listener);
    var fanOut = new FanOutEvents(unitOfWork, endpoints, history, jobs);
    Optional<WebhookEndpoint> backend = backend(env, service);
    backend.ifPresent(b -> {
      int adopted = endpoints.adoptLegacyDeliveries(LEGACY_BACKEND_SUBSCRIPTION, b.id(), DeliverWebhook.SUBSCRIPTION, clock.instant());
      if (adopted > 0) {
        LOG.info("{} waiting backend deliveries moved to the webhook endpoint 'backend'", adopted);
      }
    });
    return new WebhookWiring(new WebhookEndpointRoutes(service, bodies),
        List.of(new HandlerRegistration(FanOutEvents.subscription(), fanOut),
            new HandlerRegistration(DeliverWebhook.subscription(env.integer("RELAYBOX_WEBHOOK_CONCURRENCY", 8, 1, 256)), deliver)),
        service, backend);
  }

  private static Optional<WebhookEndpoint> backend(Env env, WebhookEndpointService service) {
    Optional<String> url = env.text("RELAYBOX_BACKEND_WEBHOOK_URL");
    if (url.isEmpty()) {
      LOG.warn("RELAYBOX_BACKEND_WEBHOOK_URL is not set: events for the main backend wait until it is");
      service.unconfigured(BACKEND, UNCONFIGURED, UNCONFIGURED + ": set RELAYBOX_BACKEND_WEBHOOK_URL and RELAYBOX_BACKEND_WEBHOOK_SECRET "
          + "and restart Relaybox to enable the backend endpoint; its events wait until then");
      return Optional.empty();
    }
    URI uri;
    try {
      uri = OutboundUrlGuard.parse(url.get());
    } catch (OutboundUrlGuard.RefusedUrlException e) {
      throw new ConfigException("RELAYBOX_BACKEND_WEBHOOK_URL: " + e.getMessage());
    }
    String secret = env.text("RELAYBOX_BACKEND_WEBHOOK_SECRET")
        .orElseThrow(() -> new ConfigException("RELAYBOX_BACKEND_WEBHOOK_SECRET is required with RELAYBOX_BACKEND_WEBHOOK_URL"));
    if (!secret.startsWith("whsec_")) {
      throw new ConfigException("RELAYBOX_BACKEND_WEBHOOK_SECRET must be a Standard Webhooks secret starting with whsec_");
    }
    List<EventFilter> types;
    try {
      types = env.list("RELAYBOX_BACKEND_EVENT_TYPES").stream().map(EventFilter::new).toList();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("RELAYBOX_BACKEND_EVENT_TYPES: " + e.getMessage());
    }
    for (EventFilter type : types) {
      if (!EventCatalogue.known(type)) {
        throw new ConfigException("RELAYBOX_BACKEND_EVENT_TYPES: '" + type.pattern() + "' matches no event type Relaybox emits; use "
            + EventCatalogue.describe());
      }
    }
    return Optional.of(service.configure(BACKEND, uri.toString(), secret, types.isEmpty() ? List.of(new EventFilter("purchase.*")) : types,
        "the main backend (RELAYBOX_BACKEND_WEBHOOK_URL)", UNCONFIGURED));
  }
}
