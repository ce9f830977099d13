package dev.relaybox.adapters.http.shared;

import io.javalin.config.RoutesConfig;

/** A group of routes, each registered up front as Javalin 7 requires. */
public interface RouteModule {
  void register(RoutesConfig routes);
}
