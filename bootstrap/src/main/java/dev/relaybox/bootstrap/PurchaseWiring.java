package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.apple.AppStoreVerifier;
import dev.relaybox.adapters.apple.AppleStoreSettings;
import dev.relaybox.adapters.google.GooglePlaySettings;
import dev.relaybox.adapters.google.GooglePlayVerifier;
import dev.relaybox.adapters.google.OidcPushAuthenticator;
import dev.relaybox.adapters.http.purchase.PurchaseRoutes;
import dev.relaybox.adapters.http.purchase.StoreWebhookRoutes;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.adapters.persistence.jobs.JacksonPayloads;
import dev.relaybox.adapters.persistence.purchase.JdbiPurchaseAudit;
import dev.relaybox.adapters.persistence.purchase.JdbiPurchases;
import dev.relaybox.adapters.persistence.purchase.JdbiStoreNotifications;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.purchase.AcknowledgeGooglePurchase;
import dev.relaybox.application.purchase.AcknowledgementSweep;
import dev.relaybox.application.purchase.ApplyStoreNotification;
import dev.relaybox.application.purchase.PurchaseLedger;
import dev.relaybox.application.purchase.PurchaseService;
import dev.relaybox.application.purchase.StoreNotificationService;
import dev.relaybox.application.purchase.port.out.AppStoreNotifications;
import dev.relaybox.application.purchase.port.out.PurchaseVerifier;
import dev.relaybox.application.purchase.port.out.PushAuthenticator;
import dev.relaybox.application.purchase.port.out.WebhookRefusals;
import dev.relaybox.application.purchase.port.out.Purchases.AcknowledgementBacklog;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-app purchases wired by hand from the environment (the README's "In-app purchases" section lists the variables).
 * A store whose settings are absent is left out: its routes answer 503 "store not configured" and Relaybox still
 * starts. Settings that are present but wrong fail startup with a {@link ConfigException}.
 */
record PurchaseWiring(List<RouteModule> routes, List<HandlerRegistration> handlers, Function<String, Optional<?>> lookup,
    Supplier<AcknowledgementBacklog> acknowledgementBacklog) {
  static final Duration DEFAULT_ACK_SWEEP_AFTER = Duration.ofMinutes(5);
  static final Duration DEFAULT_ACK_SWEEP_INTERVAL = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(PurchaseWiring.class);

  static PurchaseWiring create(Map<String, String> environment, Jdbi jdbi, JdbiUnitOfWork unitOfWork, Outbox outbox, Jobs jobs,
      ObjectMapper json, JsonBodies bodies, TimeOrderedIds ids, Clock clock, WebhookRefusals refusals) {
    Env env = new Env(environment);
    boolean allowUnverified = Boolean.parseBoolean(env.text("RELAYBOX_ALLOW_UNVERIFIED_STORE_ENVIRONMENTS", "false"));
    Optional<AppStoreVerifier> apple = apple(env, allowUnverified, clock);
    Optional<GooglePlayVerifier> google = google(env, clock);
    Optional<PushAuthenticator> googlePush = googlePush(env);

    var payloads = new JacksonPayloads(json);
    var purchases = new JdbiPurchases(unitOfWork, jdbi);
    var audit = new JdbiPurchaseAudit(unitOfWork, jdbi);
    var notifications = new JdbiStoreNotifications(unitOfWork, jdbi, json);
    var ledger = new PurchaseLedger(purchases, audit, outbox, jobs, payloads, appleOwner(env) ? Set.of(Store.APPLE) : Set.of(), ids, clock);
    var service = new PurchaseService(unitOfWork, purchases, audit, ledger, google.map(g -> (PurchaseVerifier) g),
        apple.map(a -> (PurchaseVerifier) a), ids, clock);
    var webhooks = new StoreNotificationService(unitOfWork, notifications, purchases, audit, outbox, payloads,
        apple.map(a -> (AppStoreNotifications) a), googlePush, ids, clock, refusals);

    var apply = new ApplyStoreNotification(unitOfWork, notifications, purchases, audit, ledger, jobs, payloads,
        google.map(g -> (PurchaseVerifier) g), ids, clock);
    var acknowledge = new AcknowledgeGooglePurchase(unitOfWork, purchases, audit, ledger, jobs, payloads,
        google.<dev.relaybox.application.purchase.port.out.PurchaseAcknowledger>map(g -> g)
            .orElse((pkg, product, token, kind) -> Outcome.retryAfter(Duration.ofMinutes(5), "google store is not configured")),
        ids, clock);

    var sweep = new AcknowledgementSweep(unitOfWork, purchases, ledger, jobs,
        env.duration("RELAYBOX_GOOGLE_ACK_SWEEP_AFTER", DEFAULT_ACK_SWEEP_AFTER),
        env.duration("RELAYBOX_GOOGLE_ACK_SWEEP_INTERVAL", DEFAULT_ACK_SWEEP_INTERVAL), clock);
    if (google.isPresent()) {
      sweep.schedule();
    }

    PurchaseRoutes purchaseRoutes = new PurchaseRoutes(service, service, bodies);
    return new PurchaseWiring(
        List.of(purchaseRoutes, new StoreWebhookRoutes(webhooks, bodies, json)),
        List.of(new HandlerRegistration(ApplyStoreNotification.subscription(), apply),
            new HandlerRegistration(AcknowledgeGooglePurchase.subscription(), acknowledge),
            new HandlerRegistration(AcknowledgementSweep.subscription(), sweep)),
        purchaseRoutes::find, purchases::acknowledgementBacklog);
  }

  /** {@code RELAYBOX_APPLE_OWNER}: {@code verify} (the app's verify call claims) or {@code appAccountToken}. */
  private static boolean appleOwner(Env env) {
    String value = env.text("RELAYBOX_APPLE_OWNER", "verify");
    return switch (value) {
      case "verify" -> false;
      case "appAccountToken" -> true;
      default -> throw new ConfigException("RELAYBOX_APPLE_OWNER must be verify (the app's verify call claims a purchase) or "
          + "appAccountToken (the transaction's appAccountToken is the user id), got '" + value + "'");
    };
  }

  private static Optional<AppStoreVerifier> apple(Env env, boolean allowUnverified, Clock clock) {
    List<String> roots = env.list("RELAYBOX_APPLE_ROOT_CERTS");
    Optional<String> bundle = env.text("RELAYBOX_APPLE_BUNDLE_ID");
    if (roots.isEmpty() || bundle.isEmpty()) {
      LOG.info("App Store not configured (RELAYBOX_APPLE_ROOT_CERTS, RELAYBOX_APPLE_BUNDLE_ID): its routes answer 503");
      return Optional.empty();
    }
    Optional<Long> appId;
    try {
      appId = env.text("RELAYBOX_APPLE_APP_APPLE_ID").map(Long::parseLong);
    } catch (NumberFormatException e) {
      throw new ConfigException("RELAYBOX_APPLE_APP_APPLE_ID must be a number");
    }
    String environment = env.text("RELAYBOX_APPLE_ENVIRONMENT", "Production");
    String onlineChecks = env.text("RELAYBOX_APPLE_ONLINE_CHECKS", Boolean.toString(environment.equals("Production")));
    if (!onlineChecks.equals("true") && !onlineChecks.equals("false")) {
      throw new ConfigException("RELAYBOX_APPLE_ONLINE_CHECKS must be true or false, got '" + onlineChecks + "'");
    }
    try {
      return Optional.of(AppStoreVerifier.create(new AppleStoreSettings(roots.stream().map(Path::of).toList(), bundle.get(), appId,
          environment, allowUnverified, env.text("RELAYBOX_APPLE_PRIVATE_KEY_FILE").map(Path::of),
          env.text("RELAYBOX_APPLE_KEY_ID"), env.text("RELAYBOX_APPLE_ISSUER_ID"), env.text("RELAYBOX_APPLE_API_BASE_URL"),
          Boolean.parseBoolean(onlineChecks)), clock));
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new ConfigException("App Store settings: " + e.getMessage());
    }
  }

  private static Optional<GooglePlayVerifier> google(Env env, Clock clock) {
    Optional<String> file = env.text("RELAYBOX_GOOGLE_SERVICE_ACCOUNT_FILE");
    if (file.isEmpty()) {
      LOG.info("Google Play not configured (RELAYBOX_GOOGLE_SERVICE_ACCOUNT_FILE): its routes answer 503");
      return Optional.empty();
    }
    try {
      return Optional.of(GooglePlayVerifier.create(new GooglePlaySettings(Path.of(file.get()), env.text("RELAYBOX_GOOGLE_API_ROOT_URL"),
          env.text("RELAYBOX_GOOGLE_TOKEN_URL"), env.duration("RELAYBOX_GOOGLE_TIMEOUT", Duration.ofSeconds(10))), clock));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Google Play settings: " + e.getMessage());
    }
  }

  private static Optional<PushAuthenticator> googlePush(Env env) {
    Optional<String> audience = env.text("RELAYBOX_GOOGLE_PUSH_AUDIENCE");
    Optional<String> account = env.text("RELAYBOX_GOOGLE_PUSH_SERVICE_ACCOUNT");
    if (audience.isEmpty() || account.isEmpty()) {
      LOG.info("Google push not configured (RELAYBOX_GOOGLE_PUSH_AUDIENCE, RELAYBOX_GOOGLE_PUSH_SERVICE_ACCOUNT): /webhooks/google answers 503");
      return Optional.empty();
    }
    return Optional.of(new OidcPushAuthenticator(audience.get(), account.get(), env.text("RELAYBOX_GOOGLE_PUSH_CERTS_URL")));
  }

  /** {@code RELAYBOX_BACKEND_RETRY_SCALE}: the webhook retry schedule's multiplier (tests live through a day in seconds). */
  static double scale(String raw) {
    try {
      double value = Double.parseDouble(raw);
      if (!(value > 0) || value > 1000) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException("RELAYBOX_BACKEND_RETRY_SCALE must be a number above 0 (1 = the real schedule), got '" + raw + "'");
    }
  }
}
