package dev.relaybox.adapters.http.assistance;

import dev.relaybox.adapters.http.shared.LookupIds;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.relaybox.adapters.http.shared.ApiKeyAuthenticator;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.Problem;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RequestIds;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.assistance.port.in.AssistanceReceipt;
import dev.relaybox.application.assistance.port.in.GetAssistanceRequestUseCase;
import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase;
import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.ListAssistanceRequestsQuery;
import dev.relaybox.application.assistance.port.in.RequestAssistanceCommand;
import dev.relaybox.application.assistance.port.in.RequestAssistanceUseCase;
import dev.relaybox.domain.assistance.AssistanceRequest;
import dev.relaybox.domain.assistance.AssistanceStatus;
import dev.relaybox.domain.assistance.Topic;
import dev.relaybox.domain.shared.ValidationException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code /v1/assistance-requests}: intake (202 + Location), status by id, and a newest-first listing. */
public final class AssistanceRoutes implements RouteModule {
  private static final String BASE = "/v1/assistance-requests";

  private final RequestAssistanceUseCase intake;
  private final GetAssistanceRequestUseCase lookup;
  private final ListAssistanceRequestsUseCase listing;
  private final JsonBodies bodies;
  private final ObjectWriter metadataWriter;

  public AssistanceRoutes(RequestAssistanceUseCase intake, GetAssistanceRequestUseCase lookup,
      ListAssistanceRequestsUseCase listing, JsonBodies bodies, ObjectMapper json) {
    this.intake = intake;
    this.lookup = lookup;
    this.listing = listing;
    this.bodies = bodies;
    // Plain digits, as PostgreSQL's jsonb stores and sends them: the 8 KiB limit then measures what channels deliver
    // (1,000 x 1e308 is 6 KB as sent and 310 KB written out).
    this.metadataWriter = json.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  }

  record IntakeBody(String topic, String description, JsonNode metadata) {}

  record ReceiptView(UUID id, String status, String topic) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record RequestView(UUID id, String topic, String description, String status, String channel, int attempts,
      Instant createdAt, Instant deliveredAt, String lastError) {
    static RequestView of(AssistanceRequest r) {
      return new RequestView(r.id(), r.topic().value(), r.description().value(), r.status().wire(), r.channel().orElse(null),
          r.attempts(), r.createdAt(), r.deliveredAt().orElse(null), r.lastError().orElse(null));
    }
  }

  record PageView(List<RequestView> requests, String nextCursor) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(BASE, this::create);
    routes.get(BASE, this::list);
    routes.get(BASE + "/{id}", this::get);
  }

  /** The request with this id as the API shows it, for the admin look-up; empty when the id is not one. */
  public Optional<Object> find(String id) {
    return LookupIds.uuid(id).flatMap(lookup::get).map(RequestView::of);
  }

  private void create(Context ctx) {
    IntakeBody body = bodies.read(ctx, IntakeBody.class);
    if (body.metadata() != null && !body.metadata().isNull() && !body.metadata().isObject()) {
      throw ValidationException.of("metadata", "must be a JSON object");
    }
    RequestAssistanceCommand command = RequestAssistanceCommand.of(body.topic(), body.description(), metadataJson(body.metadata()),
        Optional.ofNullable(ctx.header("Idempotency-Key")), RequestIds.of(ctx), RequestIds.traceparentOf(ctx));
    AssistanceReceipt receipt = intake.request(command.from(ApiKeyAuthenticator.caller(ctx)));
    ctx.header("Location", BASE + "/" + receipt.id());
    if (receipt.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    ctx.status(202).json(new ReceiptView(receipt.id(), receipt.status().wire(), receipt.topic().value()));
  }

  private void get(Context ctx) {
    UUID id = parseId(ctx.pathParam("id"));
    ctx.json(RequestView.of(lookup.get(id).orElseThrow(() -> ProblemException.notFound("no assistance request " + id))));
  }

  private void list(Context ctx) {
    Optional<AssistanceStatus> status = param(ctx, "status").map(AssistanceRoutes::status);
    Optional<Topic> topic = param(ctx, "topic").map(Topic::parse);
    int limit = param(ctx, "limit").map(AssistanceRoutes::limit).orElse(50);
    Optional<UUID> cursor = param(ctx, "cursor").map(AssistanceRoutes::cursor);
    var page = listing.list(new ListAssistanceRequestsQuery(status, topic, limit, cursor));
    ctx.json(new PageView(page.requests().stream().map(RequestView::of).toList(), page.next().map(UUID::toString).orElse(null)));
  }

  private String metadataJson(JsonNode metadata) {
    if (metadata == null || metadata.isNull()) {
      return "{}";
    }
    try {
      return metadataWriter.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw ValidationException.of("metadata", "is not serialisable");
    }
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(v -> !v.isBlank());
  }

  private static UUID parseId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("no assistance request " + raw.replaceAll("[^A-Za-z0-9-]", "?"));
    }
  }

  private static UUID cursor(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badParameter("cursor", "must be the nextCursor of a previous page");
    }
  }

  private static int limit(String raw) {
    try {
      int limit = Integer.parseInt(raw);
      if (limit < 1 || limit > ListAssistanceRequestsQuery.MAX_LIMIT) {
        throw ProblemException.badParameter("limit", "must be between 1 and " + ListAssistanceRequestsQuery.MAX_LIMIT);
      }
      return limit;
    } catch (NumberFormatException e) {
      throw ProblemException.badParameter("limit", "must be a whole number");
    }
  }

  private static AssistanceStatus status(String raw) {
    try {
      return AssistanceStatus.fromWire(raw.strip());
    } catch (IllegalArgumentException e) {
      throw ProblemException.badParameter("status", "must be one of " + Arrays.stream(AssistanceStatus.values()).map(AssistanceStatus::wire).toList());
    }
  }

}
