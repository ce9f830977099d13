package dev.relaybox.adapters.http.webhooks;

import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.Problem;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.webhooks.DeliveryAttempt;
import dev.relaybox.application.webhooks.WebhookEndpoint;
import dev.relaybox.application.webhooks.port.in.ManageWebhookEndpointsUseCase;
import dev.relaybox.application.webhooks.port.in.ManageWebhookEndpointsUseCase.EndpointStatus;
import dev.relaybox.application.webhooks.port.in.ManageWebhookEndpointsUseCase.ManagedEndpointException;
import dev.relaybox.application.webhooks.port.in.WebhookEndpointCommand;
import dev.relaybox.application.webhooks.port.out.WebhookEndpoints;
import dev.relaybox.domain.shared.ValidationException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code /admin/webhook-endpoints}: subscribers' endpoints with their event-type filters. The signing secret is in the
 * creation's answer only. Replay redelivers matching events still kept; deliveries lists attempts with status and
 * latency.
 */
public final class WebhookEndpointRoutes implements RouteModule {
  private static final String BASE = "/admin/webhook-endpoints";
  private static final int MAX_LIMIT = 500;

  private final ManageWebhookEndpointsUseCase endpoints;
  private final JsonBodies bodies;

  public WebhookEndpointRoutes(ManageWebhookEndpointsUseCase endpoints, JsonBodies bodies) {
    this.endpoints = endpoints;
    this.bodies = bodies;
  }

  record CreateBody(String url, List<String> eventTypes, String description) {}

  record PatchBody(String url, List<String> eventTypes, String description, Boolean enabled) {}

  record ReplayBody(String since) {}

  record HealthView(int attemptsLastDay, int failuresLastDay, Instant lastSuccessAt, Instant lastFailureAt, long waiting) {
    static HealthView of(WebhookEndpoints.Health h) {
      return new HealthView(h.attemptsLastDay(), h.failuresLastDay(), h.lastSuccessAt().orElse(null), h.lastFailureAt().orElse(null),
          h.waiting());
    }
  }

  /** An endpoint as every answer but the creation shows it: never with its secret. */
  record EndpointView(UUID id, String name, String url, String description, List<String> eventTypes, boolean managed,
      boolean enabled, Instant enabledSince, Instant disabledAt, String disabledReason, Instant createdAt, Instant updatedAt,
      HealthView health) {
    static EndpointView of(EndpointStatus s) {
      WebhookEndpoint e = s.endpoint();
      return new EndpointView(e.id(), e.name().orElse(null), e.url(), e.description(),
          e.eventTypes().stream().map(EventFilter::pattern).toList(), e.managed(), e.enabled(), e.enabledSince(),
          e.disabledAt().orElse(null), e.disabledReason().orElse(null), e.createdAt(), e.updatedAt(), HealthView.of(s.health()));
    }
  }

  /** The creation's answer: the endpoint and, this once, its signing secret. */
  record CreatedEndpointView(UUID id, String name, String url, String description, List<String> eventTypes, boolean managed,
      boolean enabled, Instant enabledSince, Instant disabledAt, String disabledReason, Instant createdAt, Instant updatedAt,
      HealthView health, String secret) {
    static CreatedEndpointView of(EndpointStatus s) {
      EndpointView v = EndpointView.of(s);
      return new CreatedEndpointView(v.id(), v.name(), v.url(), v.description(), v.eventTypes(), v.managed(), v.enabled(),
          v.enabledSince(), v.disabledAt(), v.disabledReason(), v.createdAt(), v.updatedAt(), v.health(), s.endpoint().secret());
    }
  }

  record EndpointsView(List<EndpointView> endpoints) {}

  record AttemptView(UUID id, UUID eventId, String eventType, String eventKey, int attempt, int status, boolean succeeded,
      String response, long latencyMs, Instant at) {
    static AttemptView of(DeliveryAttempt a) {
      return new AttemptView(a.id(), a.eventId(), a.eventType(), a.eventKey().orElse(null), a.attempt(), a.status(), a.succeeded(), a.summary(),
          a.latencyMillis(), a.at());
    }
  }

  record AttemptsView(UUID endpointId, List<AttemptView> deliveries) {}

  record ReplayView(UUID endpointId, Instant since, int queued) {}

  record RotatedSecretView(UUID endpointId, String secret, Instant previousSecretValidUntil) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(BASE, this::create);
    routes.get(BASE, ctx -> ctx.json(new EndpointsView(endpoints.list().stream().map(EndpointView::of).toList())));
    routes.get(BASE + "/{id}", ctx -> {
      UUID id = parseId(ctx);
      ctx.json(EndpointView.of(endpoints.get(id).orElseThrow(() -> notFound(id))));
    });
    routes.patch(BASE + "/{id}", this::patch);
    routes.delete(BASE + "/{id}", this::delete);
    routes.post(BASE + "/{id}/replay", this::replay);
    routes.get(BASE + "/{id}/deliveries", this::deliveries);
    routes.post(BASE + "/{id}/secret/rotate", ctx -> {
      UUID id = parseId(ctx);
      var rotated = managed(() -> endpoints.rotateSecret(id)).orElseThrow(() -> notFound(id));
      ctx.json(new RotatedSecretView(id, rotated.secret(), rotated.previousValidUntil()));
    });
  }

  private void create(Context ctx) {
    CreateBody body = bodies.read(ctx, CreateBody.class);
    EndpointStatus created = endpoints.create(WebhookEndpointCommand.create(body.url(), body.eventTypes(), body.description()));
    ctx.header("Location", BASE + "/" + created.endpoint().id());
    ctx.status(201).json(CreatedEndpointView.of(created));
  }

  private void patch(Context ctx) {
    UUID id = parseId(ctx);
    PatchBody body = bodies.read(ctx, PatchBody.class);
    var command = WebhookEndpointCommand.patch(body.url(), body.eventTypes(), body.description(), body.enabled());
    EndpointStatus updated = managed(() -> endpoints.update(id, command)).orElseThrow(() -> notFound(id));
    ctx.json(EndpointView.of(updated));
  }

  private void delete(Context ctx) {
    UUID id = parseId(ctx);
    if (!managed(() -> endpoints.delete(id))) {
      throw notFound(id);
    }
    ctx.status(204);
  }

  private void replay(Context ctx) {
    UUID id = parseId(ctx);
    ReplayBody body = bodies.read(ctx, ReplayBody.class);
    if (body.since() == null) {
      throw ValidationException.of("since", "is required: an ISO-8601 instant such as 2026-01-31T00:00:00Z");
    }
    Instant since;
    try {
      since = Instant.parse(body.since());
    } catch (DateTimeParseException e) {
      throw ValidationException.of("since", "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
    }
    int queued = endpoints.replay(id, since).orElseThrow(() -> notFound(id));
    ctx.status(202).json(new ReplayView(id, since, queued));
  }

  private void deliveries(Context ctx) {
    UUID id = parseId(ctx);
    boolean failedOnly = Optional.ofNullable(ctx.queryParam("failed")).map(v -> switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ProblemException.badParameter("failed", "must be true or false");
    }).orElse(false);
    int limit = Optional.ofNullable(ctx.queryParam("limit")).filter(v -> !v.isBlank()).map(raw -> {
      try {
        int n = Integer.parseInt(raw);
        if (n < 1 || n > MAX_LIMIT) throw ProblemException.badParameter("limit", "must be between 1 and " + MAX_LIMIT);
        return n;
      } catch (NumberFormatException e) {
        throw ProblemException.badParameter("limit", "must be a whole number");
      }
    }).orElse(100);
    List<DeliveryAttempt> attempts = endpoints.deliveries(id, failedOnly, limit).orElseThrow(() -> notFound(id));
    ctx.json(new AttemptsView(id, attempts.stream().map(AttemptView::of).toList()));
  }

  /** Runs an endpoint change; one aimed at an endpoint the environment configures is answered 409 managed-endpoint. */
  public static <T> T managed(Supplier<T> work) {
    try {
      return work.get();
    } catch (ManagedEndpointException e) {
      throw new ProblemException(Problem.of(409, "managed-endpoint", "Conflict", e.getMessage()));
    }
  }

  private static ProblemException notFound(UUID id) {
    return ProblemException.notFound("no webhook endpoint " + id);
  }

  private static UUID parseId(Context ctx) {
    String raw = ctx.pathParam("id");
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("no webhook endpoint " + raw.replaceAll("[^A-Za-z0-9-]", "?"));
    }
  }
}
