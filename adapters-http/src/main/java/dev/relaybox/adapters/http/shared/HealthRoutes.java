package dev.relaybox.adapters.http.shared;

import io.javalin.config.RoutesConfig;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Liveness (the process answers) and readiness (the database answers, the schema is current, not shutting down). */
public final class HealthRoutes implements RouteModule {
  private final ReadinessCheck readiness;
  private final BooleanSupplier draining;

  public HealthRoutes(ReadinessCheck readiness, BooleanSupplier draining) {
    this.readiness = readiness;
    this.draining = draining;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
    routes.get("/health/ready", ctx -> {
      if (draining.getAsBoolean()) {
        throw new ProblemException(Problem.of(503, "not-ready", "Not ready", "this node is shutting down"));
      }
      var problem = readiness.problem();
      if (problem.isPresent()) {
        throw new ProblemException(Problem.of(503, "not-ready", "Not ready", problem.get()), Map.of("Retry-After", "5"));
      }
      ctx.json(Map.of("status", "ready", "checks", Map.of("database", "up")));
    });
  }
}
