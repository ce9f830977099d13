package dev.relaybox.adapters.http.auth;

import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.auth.ApiKeyInfo;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.auth.IssuedApiKey;
import dev.relaybox.application.auth.port.in.ManageApiKeysUseCase;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /admin/keys}: create a key (shown in this one answer only; the database keeps its hash), list keys with
 * their last use, delete one. Keys from {@code RELAYBOX_API_KEYS}/{@code RELAYBOX_ADMIN_KEYS} are not listed here.
 */
public final class ApiKeyRoutes implements RouteModule {
  private final ManageApiKeysUseCase keys;
  private final JsonBodies bodies;

  public ApiKeyRoutes(ManageApiKeysUseCase keys, JsonBodies bodies) {
    this.keys = keys;
    this.bodies = bodies;
  }

  record CreateKeyBody(String scope, String name) {}

  record CreatedKeyView(UUID id, String name, String scope, String key) {}

  record KeyView(UUID id, String name, String scope, Instant createdAt, Instant lastUsedAt) {
    static KeyView of(ApiKeyInfo info) {
      return new KeyView(info.id(), info.name(), info.scope(), info.createdAt(), info.lastUsedAt().orElse(null));
    }
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/admin/keys", this::create);
    routes.get("/admin/keys", this::list);
    routes.delete("/admin/keys/{id}", this::delete);
  }

  private void create(Context ctx) {
    CreateKeyBody body = bodies.read(ctx, CreateKeyBody.class);
    ApiScope scope = switch (body.scope() == null ? "" : body.scope().strip().toLowerCase(Locale.ROOT)) {
      case "api" -> ApiScope.API;
      case "admin" -> ApiScope.ADMIN;
      default -> throw ProblemException.invalid("scope", "must be 'api' or 'admin'");
    };
    IssuedApiKey issued = keys.create(scope, body.name());
    ctx.header("Location", "/admin/keys/" + issued.id());
    ctx.status(201).json(new CreatedKeyView(issued.id(), issued.name(), scope.name().toLowerCase(Locale.ROOT), issued.key()));
  }

  private void list(Context ctx) {
    List<KeyView> views = keys.list().stream().map(KeyView::of).toList();
    ctx.json(Map.of("keys", views));
  }

  private void delete(Context ctx) {
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ProblemException.badParameter("id", "must be a key id (UUID)");
    }
    if (!keys.delete(id)) {
      throw ProblemException.notFound("no API key " + id);
    }
    ctx.status(204);
  }
}
