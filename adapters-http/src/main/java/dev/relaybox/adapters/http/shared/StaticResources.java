package dev.relaybox.adapters.http.shared;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves files built into the jar from a fixed list (no path from the request ever reaches the class path), with a
 * page-specific Content-Security-Policy that replaces the API's {@code default-src 'none'}.
 */
final class StaticResources {
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  Optional<byte[]> read(String classpathLocation) {
    byte[] cached = cache.get(classpathLocation);
    if (cached != null) {
      return Optional.of(cached);
    }
    try (InputStream in = StaticResources.class.getClassLoader().getResourceAsStream(classpathLocation)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      cache.put(classpathLocation, bytes);
      return Optional.of(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void serve(Context ctx, String classpathLocation, String contentType, String csp) {
    byte[] bytes = read(classpathLocation).orElseThrow(() -> ProblemException.notFound("no resource at " + ctx.path()));
    ctx.header("Content-Security-Policy", csp);
    ctx.contentType(contentType).result(bytes);
  }

  static String contentType(String file) {
    if (file.endsWith(".html")) return "text/html; charset=utf-8";
    if (file.endsWith(".js")) return "text/javascript; charset=utf-8";
    if (file.endsWith(".css")) return "text/css; charset=utf-8";
    if (file.endsWith(".png")) return "image/png";
    if (file.endsWith(".json")) return "application/json";
    if (file.endsWith(".svg")) return "image/svg+xml";
    return "application/octet-stream";
  }
}
