package dev.relaybox.adapters.http.shared;

import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Liveness (the process answers) and readiness (the database answers, the schema is current, not shutting down).
 * Readiness also lists each channel's circuit state and names the degraded ones (circuit open): they do not fail
 * readiness, because taking the node out of the load balancer would not bring Slack back, and intake still works.
 */
public final class HealthRoutes implements RouteModule {
  private final ReadinessCheck readiness;
  private final BooleanSupplier draining;
  private final Supplier<Map<String, String>> channelStates;

  public HealthRoutes(ReadinessCheck readiness, BooleanSupplier draining) {
    this(readiness, draining, Map::of);
  }

  /** @param channelStates channel name → circuit state ({@code closed}, {@code open}, {@code half-open}) */
  public HealthRoutes(ReadinessCheck readiness, BooleanSupplier draining, Supplier<Map<String, String>> channelStates) {
    this.readiness = readiness;
    this.draining = draining;
    this.channelStates = channelStates;
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
      Map<String, String> channels = new LinkedHashMap<>(channelStates.get());
      List<String> degraded = channels.entrySet().stream().filter(e -> "open".equals(e.getValue())).map(Map.Entry::getKey).toList();
      Map<String, Object> checks = new LinkedHashMap<>();
      checks.put("database", "up");
      checks.put("channels", channels);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "ready");
      body.put("checks", checks);
      body.put("degraded", degraded);
      ctx.json(body);
    });
  }
}
