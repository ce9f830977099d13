package dev.relaybox.adapters.http.shared;

import dev.relaybox.application.auth.ApiKeyRing;
import dev.relaybox.application.auth.ApiScope;
import io.javalin.http.Context;
import java.util.Map;

/** Checks {@code Authorization: Bearer <key>} against the key ring for the scope the path needs. */
public final class ApiKeyAuthenticator {
  private static final String BEARER = "bearer ";
  private final ApiKeyRing keys;

  public ApiKeyAuthenticator(ApiKeyRing keys) {
    this.keys = keys;
  }

  /** Whether the request carries a key valid for {@code scope}; for answers that show more to an operator. */
  public boolean permits(Context ctx, ApiScope scope) {
    return keys.permits(presented(ctx), scope);
  }

  private static String presented(Context ctx) {
    String header = ctx.header("Authorization");
    return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).strip()
        : null;
  }

  void require(Context ctx, ApiScope scope) {
    String presented = presented(ctx);
    if (!keys.permits(presented, scope)) {
      throw new ProblemException(
          Problem.of(401, "unauthorized", "Unauthorized",
              presented == null ? "send an API key as 'Authorization: Bearer <key>'" : "the API key is not valid for this path"),
          Map.of("WWW-Authenticate", "Bearer realm=\"relaybox\""));
    }
  }
}
