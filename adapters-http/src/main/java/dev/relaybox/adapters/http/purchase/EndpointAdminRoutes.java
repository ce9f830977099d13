package dev.relaybox.adapters.http.purchase;

import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.purchase.port.in.ManageBackendEndpointsUseCase;
import dev.relaybox.application.purchase.port.out.BackendEndpoints.EndpointState;
import dev.relaybox.adapters.http.webhooks.WebhookEndpointRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** {@code /admin/endpoints}: outgoing webhook endpoints (the main backend), disabled after a 410, and re-enabling one. */
public final class EndpointAdminRoutes implements RouteModule {
  private final ManageBackendEndpointsUseCase endpoints;

  public EndpointAdminRoutes(ManageBackendEndpointsUseCase endpoints) {
    this.endpoints = endpoints;
  }

  record EndpointView(String name, boolean enabled, Instant enabledSince, Instant disabledAt, String disabledReason) {
    static EndpointView of(EndpointState s) {
      return new EndpointView(s.name(), s.enabled(), s.enabledSince(), s.disabledAt().orElse(null), s.disabledReason().orElse(null));
    }
  }

  record EndpointsView(List<EndpointView> endpoints) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/admin/endpoints", ctx -> ctx.json(new EndpointsView(endpoints.endpoints().stream().map(EndpointView::of).toList())));
    routes.post("/admin/endpoints/{name}/enable", this::enable);
  }

  private void enable(Context ctx) {
    String name = ctx.pathParam("name");
    EndpointState state = WebhookEndpointRoutes.managed(() -> endpoints.enable(name))
        .orElseThrow(() -> ProblemException.notFound("no endpoint " + name.replaceAll("[^A-Za-z0-9_-]", "?")));
    ctx.json(EndpointView.of(state));
  }
}
