package dev.relaybox.adapters.http.shared;

import dev.relaybox.application.auth.ApiKeyRing;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.auth.StoredApiKey;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Checks {@code Authorization: Bearer <key>} against the key ring for the scope the path needs, in memory. Each key
 * has a token bucket ({@code 429} with {@code Retry-After} when it is empty), and each client address a small
 * allowance of failed attempts, after which it gets {@code 429} before any key is even looked at.
 */
public final class ApiKeyAuthenticator {
  private static final String BEARER = "bearer ";
  private static final String CALLER = "relaybox.caller";

  /** Requests per second and burst per key; failed attempts per minute and burst per client address. */
  public record Limits(double requestsPerSecond, double requestBurst, double failuresPerMinute, double failureBurst) {
    public static final Limits NONE = new Limits(1e9, 1e9, 1e9, 1e9);
  }

  private final BiFunction<String, ApiScope, Optional<StoredApiKey>> lookup;
  private final TokenBuckets perKey;
  private final TokenBuckets failuresPerAddress;

  public ApiKeyAuthenticator(ApiKeyRing keys) {
    this(keys::find, Limits.NONE);
  }

  public ApiKeyAuthenticator(BiFunction<String, ApiScope, Optional<StoredApiKey>> lookup, Limits limits) {
    this.lookup = lookup;
    this.perKey = new TokenBuckets(limits.requestsPerSecond(), limits.requestBurst(), 100_000, System::nanoTime);
    this.failuresPerAddress = new TokenBuckets(limits.failuresPerMinute() / 60, limits.failureBurst(), 100_000, System::nanoTime);
  }

  /** The id of the key that authenticated this request (a stored key's UUID or {@code env-…}), or empty. */
  public static String caller(Context ctx) {
    String caller = ctx.attribute(CALLER);
    return caller == null ? "" : caller;
  }

  /** Whether the request carries a key valid for {@code scope}; for answers that show more to an operator. */
  public boolean permits(Context ctx, ApiScope scope) {
    String presented = presented(ctx);
    return presented != null && presented.length() <= 512 && lookup.apply(presented, scope).isPresent();
  }

  private static String presented(Context ctx) {
    String header = ctx.header("Authorization");
    return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).strip()
        : null;
  }

  void require(Context ctx, ApiScope scope) {
    String address = ctx.ip();
    long blocked = failuresPerAddress.waitFor(address);
    if (blocked > 0) {
      throw tooMany("too many failed key attempts from this address", blocked);
    }
    String presented = presented(ctx);
    Optional<StoredApiKey> key = presented == null || presented.length() > 512 ? Optional.empty() : lookup.apply(presented, scope);
    if (key.isEmpty()) {
      failuresPerAddress.take(address);
      throw new ProblemException(
          Problem.of(401, "unauthorized", "Unauthorized",
              presented == null ? "send an API key as 'Authorization: Bearer <key>'" : "the API key is not valid for this path"),
          Map.of("WWW-Authenticate", "Bearer realm=\"relaybox\""));
    }
    long wait = perKey.take(key.get().id());
    if (wait > 0) {
      throw tooMany("this API key is over its request rate", wait);
    }
    ctx.attribute(CALLER, key.get().id());
  }

  private static ProblemException tooMany(String detail, long waitNanos) {
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    return new ProblemException(Problem.of(429, "too-many-requests", "Too many requests", detail + "; retry after "
        + seconds + " s"), Map.of("Retry-After", Long.toString(seconds)));
  }
}
