package dev.relaybox.adapters.http.shared;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Liveness (the process answers) and readiness (the database answers, the schema is current, not shutting down).
 * Readiness also lists each channel's circuit state and names the degraded ones (circuit open): they do not fail
 * readiness, because taking the node out of the load balancer would not bring Slack back, and intake still works.
 * The checks and the reason for a 503 (pool and database details) are shown only to a caller with the admin key;
 * anyone else, a load balancer's probe included, gets the status alone.
 */
public final class HealthRoutes implements RouteModule {
  private final ReadinessCheck readiness;
  private final BooleanSupplier draining;
  private final Supplier<Map<String, String>> channelStates;
  private final Predicate<Context> showsDetails;

  public HealthRoutes(ReadinessCheck readiness, BooleanSupplier draining) {
    this(readiness, draining, Map::of, ctx -> false);
  }

  /**
   * @param channelStates channel name → circuit state ({@code closed}, {@code open}, {@code half-open})
   * @param showsDetails whether a request may see the checks and the reason it is not ready (the admin key)
   */
  public HealthRoutes(ReadinessCheck readiness, BooleanSupplier draining, Supplier<Map<String, String>> channelStates,
      Predicate<Context> showsDetails) {
    this.readiness = readiness;
    this.draining = draining;
    this.channelStates = channelStates;
    this.showsDetails = showsDetails;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
    routes.get("/health/ready", ctx -> {
      if (draining.getAsBoolean()) {
        throw new ProblemException(Problem.of(503, "not-ready", "Not ready", "this node is shutting down"));
      }
      var problem = readiness.problem();
      boolean details = showsDetails.test(ctx);
      if (problem.isPresent()) {
        throw new ProblemException(Problem.of(503, "not-ready", "Not ready",
            details ? problem.get() : "the database is not reachable or its schema is not current; send the admin key to see why"),
            Map.of("Retry-After", "5"));
      }
      if (!details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ready");
        body.put("checks", null);
        body.put("degraded", null);
        ctx.json(body);
        return;
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
