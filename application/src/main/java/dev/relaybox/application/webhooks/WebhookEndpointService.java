package dev.relaybox.application.webhooks;

import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.SubscriptionInterest;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.webhooks.port.in.ManageWebhookEndpointsUseCase;
import dev.relaybox.application.webhooks.port.in.WebhookEndpointCommand;
import dev.relaybox.application.webhooks.port.out.EventHistory;
import dev.relaybox.application.webhooks.port.out.SecretGenerator;
import dev.relaybox.application.webhooks.port.out.WebhookEndpoints;
import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.domain.shared.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Webhook endpoints: the admin's use cases, and the endpoints configured from the environment at start. */
public final class WebhookEndpointService implements ManageWebhookEndpointsUseCase {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpointService.class);
  private static final int REPLAY_BATCH = 500;
  /** How long a rotated-out secret keeps signing next to the new one (Svix's grace period). */
  public static final Duration SECRET_GRACE = Duration.ofHours(24);

  private final UnitOfWork unitOfWork;
  private final WebhookEndpoints endpoints;
  private final EventHistory history;
  private final Jobs jobs;
  private final SubscriptionInterest interest;
  private final OutboundUrlGuard guard;
  private final SecretGenerator secrets;
  private final TimeOrderedIds ids;
  private final Clock clock;
  private final Duration retention;
  /** Managed endpoints whose configuration this node started without, with what to do about it. */
  private final Map<String, String> unconfigured = new ConcurrentHashMap<>();

  /** @param retention how long relayed events are kept (the engine's), so how far back a replay can reach */
  public WebhookEndpointService(UnitOfWork unitOfWork, WebhookEndpoints endpoints, EventHistory history, Jobs jobs,
      SubscriptionInterest interest, OutboundUrlGuard guard, SecretGenerator secrets, TimeOrderedIds ids, Clock clock,
      Duration retention) {
    this.unitOfWork = unitOfWork;
    this.endpoints = endpoints;
    this.history = history;
    this.jobs = jobs;
    this.interest = interest;
    this.guard = guard;
    this.secrets = secrets;
    this.ids = ids;
    this.clock = clock;
    this.retention = retention;
  }

  @Override
  public EndpointStatus create(WebhookEndpointCommand command) {
    String url = checked(command.url().orElseThrow());
    WebhookEndpoint endpoint = changingEndpoints(() -> {
      // read after the relays are held back: every event published from now on is relayed with this endpoint's types
      Instant now = clock.instant();
      WebhookEndpoint created = new WebhookEndpoint(ids.next(), Optional.empty(), url, command.description().orElse(""),
          command.eventTypes().orElseThrow(), secrets.newSecret(), false, true, now, Optional.empty(), Optional.empty(), now, now,
          Optional.empty());
      endpoints.add(created);
      return created;
    });
    LOG.info("webhook endpoint {} created for {}", endpoint.id(), endpoint.eventTypes().stream().map(EventFilter::pattern).toList());
    return status(endpoint, clock.instant());
  }

  @Override
  public List<EndpointStatus> list() {
    Instant now = clock.instant();
    return endpoints.all().stream().map(e -> status(e, now)).toList();
  }

  @Override
  public Optional<EndpointStatus> get(UUID id) {
    return endpoints.find(id).map(e -> status(e, clock.instant()));
  }

  @Override
  public Optional<EndpointStatus> update(UUID id, WebhookEndpointCommand patch) {
    Optional<String> checkedUrl = patch.url().map(this::checked);
    return changingEndpoints(() -> updateChecked(id, patch, checkedUrl));
  }

  private Optional<EndpointStatus> updateChecked(UUID id, WebhookEndpointCommand patch, Optional<String> checkedUrl) {
    Optional<WebhookEndpoint> found = endpoints.find(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    WebhookEndpoint endpoint = found.get();
    if (endpoint.managed() && (patch.url().isPresent() || patch.eventTypes().isPresent() || patch.description().isPresent())) {
      throw new ManagedEndpointException("this endpoint is configured from the environment; only enabled can be changed here");
    }
    Instant now = clock.instant();
    if (patch.url().isPresent() || patch.eventTypes().isPresent() || patch.description().isPresent()) {
      String url = checkedUrl.orElse(endpoint.url());
      endpoints.update(endpoint.changed(url, patch.description().orElse(endpoint.description()),
          patch.eventTypes().orElse(endpoint.eventTypes()), now));
    }
    Optional<String> remedy = patch.enabled().orElse(false) ? endpoint.name().map(unconfigured::get) : Optional.empty();
    if (remedy.isPresent()) {
      throw new ManagedEndpointException(remedy.get());
    }
    patch.enabled().ifPresent(enabled -> {
      if (enabled) {
        int woken = endpoints.enable(id, DeliverWebhook.SUBSCRIPTION, WebhookJobs.keyPrefix(id), now);
        LOG.info("webhook endpoint {} enabled; {} waiting deliveries are due now", id, woken);
      } else {
        endpoints.disable(id, "disabled by an operator", now);
      }
    });
    return get(id);
  }

  @Override
  public boolean delete(UUID id) {
    endpoints.find(id).filter(WebhookEndpoint::managed).ifPresent(e -> {
      throw new ManagedEndpointException("this endpoint is configured from the environment; remove its variables instead");
    });
    return changingEndpoints(() -> endpoints.delete(id, DeliverWebhook.SUBSCRIPTION, clock.instant()));
  }

  @Override
  public Optional<Integer> replay(UUID id, Instant since) {
    Optional<WebhookEndpoint> found = endpoints.find(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (since.isAfter(now)) {
      throw ValidationException.of("since", "must not be in the future");
    }
    Instant oldestKept = now.minus(retention);
    if (since.isBefore(oldestKept)) {
      throw ValidationException.of("since", "must be within the retention of " + inWords(retention)
          + " (events published before " + oldestKept + " are no longer kept)");
    }
    WebhookEndpoint endpoint = found.get();
    int queued = 0;
    long after = 0;
    while (true) {
      List<EventHistory.Stored> batch = history.since(since, after, REPLAY_BATCH);
      if (batch.isEmpty()) {
        break;
      }
      List<EventEnvelope> wanted = batch.stream().map(EventHistory.Stored::envelope).filter(e -> endpoint.wants(e.type())).toList();
      queued += unitOfWork.inTransaction(() -> (int) wanted.stream()
          .filter(e -> jobs.enqueue(WebhookJobs.delivery(id, e)).isPresent()).count());
      after = batch.getLast().position();
    }
    LOG.info("webhook endpoint {}: {} events since {} queued for redelivery", id, queued, since);
    return Optional.of(queued);
  }

  @Override
  public Optional<RotatedSecret> rotateSecret(UUID id) {
    Optional<WebhookEndpoint> found = endpoints.find(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    if (found.get().managed()) {
      throw new ManagedEndpointException("this endpoint's secret comes from the environment; change RELAYBOX_BACKEND_WEBHOOK_SECRET instead");
    }
    Instant now = clock.instant();
    String secret = secrets.newSecret();
    Instant previousValidUntil = now.plus(SECRET_GRACE);
    endpoints.rotateSecret(id, secret, previousValidUntil, now);
    LOG.info("webhook endpoint {}: secret rotated; the previous one signs too until {}", id, previousValidUntil);
    return Optional.of(new RotatedSecret(id, secret, previousValidUntil));
  }

  @Override
  public Optional<List<DeliveryAttempt>> deliveries(UUID id, boolean failedOnly, int limit) {
    return endpoints.find(id).map(e -> endpoints.attempts(id, failedOnly, limit));
  }

  /**
   * Creates or updates the endpoint {@code name} from configuration (the main backend); it keeps its id, enabled state
   * and history across restarts.
   */
  public WebhookEndpoint configure(String name, String url, String secret, List<EventFilter> eventTypes, String description,
      String unconfiguredReason) {
    unconfigured.remove(name);
    return changingEndpoints(() -> configureHeld(name, url, secret, eventTypes, description, unconfiguredReason));
  }

  private WebhookEndpoint configureHeld(String name, String url, String secret, List<EventFilter> eventTypes, String description,
      String unconfiguredReason) {
    Instant now = clock.instant();
    Optional<WebhookEndpoint> existing = endpoints.findByName(name);
    if (existing.isEmpty()) {
      WebhookEndpoint created = new WebhookEndpoint(ids.next(), Optional.of(name), url, description, eventTypes, secret, true, true, now,
          Optional.empty(), Optional.empty(), now, now, Optional.empty());
      endpoints.add(created);
      return created;
    }
    WebhookEndpoint e = existing.get();
    WebhookEndpoint updated = new WebhookEndpoint(e.id(), e.name(), url, description, eventTypes, secret, true, e.enabled(),
        e.enabledSince(), e.disabledAt(), e.disabledReason(), e.createdAt(), now, Optional.empty());
    endpoints.update(updated);
    if (!e.enabled() && e.disabledReason().equals(Optional.of(unconfiguredReason))) {
      endpoints.enable(e.id(), DeliverWebhook.SUBSCRIPTION, WebhookJobs.keyPrefix(e.id()), now);
    }
    return endpoints.find(e.id()).orElse(updated);
  }

  /**
   * The configuration of endpoint {@code name} was removed: it is disabled, so its deliveries wait (as they did before
   * the variables were ever set) until it is configured again. Enabling it by hand is refused with {@code remedy}: it
   * would send the waiting events to the removed URL, signed with the old secret.
   */
  public void unconfigured(String name, String reason, String remedy) {
    unconfigured.put(name, remedy);
    endpoints.findByName(name).filter(WebhookEndpoint::enabled).ifPresent(e -> endpoints.disable(e.id(), reason, clock.instant()));
  }

  /**
   * Brings the fan-out's interest in line with the endpoints (at start: the interest may predate this version, or the
   * endpoints may have been changed by hand).
   */
  public void alignFanOut() {
    changingEndpoints(() -> null);
  }

  /**
   * Runs a change to the endpoints so that the fan-out ({@link FanOutEvents}) receives exactly the event types some
   * endpoint, enabled or not, subscribes to: an event nobody wants costs no job, and a disabled endpoint still gets
   * its backlog. Relays are held back first, so the change and the interest commit as one step in the event order.
   */
  private <T> T changingEndpoints(Supplier<T> change) {
    return unitOfWork.inTransaction(() -> {
      interest.holdRelays();
      T result = change.get();
      interest.receiveOnly(FanOutEvents.SUBSCRIPTION, wantedTypes());
      return result;
    });
  }

  private Set<String> wantedTypes() {
    return endpoints.all().stream().flatMap(e -> e.eventTypes().stream()).map(EventFilter::pattern).collect(Collectors.toSet());
  }

  private EndpointStatus status(WebhookEndpoint e, Instant now) {
    return new EndpointStatus(e, endpoints.health(e.id(), DeliverWebhook.SUBSCRIPTION, WebhookJobs.keyPrefix(e.id()), now));
  }

  private static String inWords(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + "h";
    }
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  private String checked(String url) {
    try {
      return guard.check(url).toString();
    } catch (OutboundUrlGuard.RefusedUrlException e) {
      throw ValidationException.of("url", e.getMessage());
    }
  }
}
