package dev.relaybox.adapters.http.shared;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * {@code /openapi.json}: the hand-written OpenAPI 3.1 document built into the jar (see {@link OpenApiDocument}); {@code /docs}: Swagger UI from the
 * {@code org.webjars:swagger-ui} jar on the class path, so the page works on machines without internet access.
 */
public final class ApiDocsRoutes implements RouteModule {
  private static final String DOCS = "relaybox/docs/";
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  /** Swagger UI sets some styles inline; scripts stay same-origin only. */
  private static final String DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  private static final Map<String, String> FILES = Map.of(
      "swagger-ui.css", WEBJAR,
      "swagger-ui-bundle.js", WEBJAR,
      "swagger-ui-standalone-preset.js", WEBJAR,
      "favicon-32x32.png", WEBJAR,
      "docs.js", DOCS);

  private final StaticResources resources = new StaticResources();
  private final String webjarVersion = swaggerUiVersion();
  private final byte[] openApi = OpenApiDocument.assemble(new ObjectMapper());

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/openapi.json", ctx -> {
      ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      ctx.contentType("application/json").result(openApi);
    });
    routes.get("/docs", ctx -> resources.serve(ctx, DOCS + "index.html", StaticResources.contentType(".html"), DOCS_CSP));
    routes.get("/docs/{file}", ctx -> {
      String file = ctx.pathParam("file");
      String base = FILES.get(file);
      if (base == null) {
        throw ProblemException.notFound("no resource at " + ctx.path());
      }
      String location = base.equals(WEBJAR) ? WEBJAR + webjarVersion + "/" + file : base + file;
      resources.serve(ctx, location, StaticResources.contentType(file), DOCS_CSP);
    });
  }

  private static String swaggerUiVersion() {
    try (InputStream in = ApiDocsRoutes.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("org.webjars:swagger-ui is not on the class path");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
