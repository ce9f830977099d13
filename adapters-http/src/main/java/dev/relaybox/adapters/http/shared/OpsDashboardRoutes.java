package dev.relaybox.adapters.http.shared;

import io.javalin.config.RoutesConfig;
import java.util.Set;

/**
 * The ops dashboard at {@code /admin/ui}: one static page and its script and style, built into the jar. The page holds
 * no data and needs no key; it asks for the admin key, keeps it in a JavaScript variable (never in the URL or in
 * storage) and sends it as {@code Authorization: Bearer} on each call to the admin API.
 */
public final class OpsDashboardRoutes implements RouteModule {
  private static final String BASE = "relaybox/ui/";
  private static final Set<String> FILES = Set.of("app.js", "app.css");
  /** Same-origin scripts, styles and calls only; nothing inline, so injected markup could not run even if it got in. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final StaticResources resources = new StaticResources();

  @Override
  public void register(RoutesConfig routes) {
    routes.get(HttpServer.ADMIN_UI, ctx -> resources.serve(ctx, BASE + "index.html", StaticResources.contentType(".html"), CSP));
    routes.get(HttpServer.ADMIN_UI + "/{file}", ctx -> {
      String file = ctx.pathParam("file");
      if (!FILES.contains(file)) {
        throw ProblemException.notFound("no resource at " + ctx.path());
      }
      resources.serve(ctx, BASE + file, StaticResources.contentType(file), CSP);
    });
  }
}
