package dev.relaybox.adapters.http.shared;

import dev.relaybox.domain.shared.TimeOrderedIds;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Takes {@code X-Request-Id} from the caller when it is sane, otherwise makes one, and exposes it to logs (MDC),
 * the response and the use cases (as the correlation id stored with outbox events).
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  public static final String MDC_KEY = "requestId";
  private static final String ATTRIBUTE = "relaybox.requestId";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  private final TimeOrderedIds ids;

  public RequestIds(TimeOrderedIds ids) {
    this.ids = ids;
  }

  String assign(Context ctx) {
    String offered = ctx.header(HEADER);
    String id = offered != null && SAFE.matcher(offered).matches() ? offered : ids.next().toString();
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
    return id;
  }

  public static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? "" : id;
  }
}
