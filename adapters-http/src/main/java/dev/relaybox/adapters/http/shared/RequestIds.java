package dev.relaybox.adapters.http.shared;

import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.domain.shared.Traceparent;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Takes {@code X-Request-Id} from the caller when it is sane, otherwise makes one, and exposes it to logs (MDC),
 * the response and the use cases (as the correlation id stored with outbox events). Likewise joins the caller's W3C
 * {@code traceparent} (a new span of its trace) or starts a trace; its trace id goes into the MDC as {@code traceId}.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  /** Named apart from the business ids ({@code requestId} of an assistance request) that log lines also mention. */
  public static final String MDC_KEY = "httpRequestId";
  public static final String TRACE_MDC_KEY = "traceId";
  public static final String TRACEPARENT_HEADER = "traceparent";
  private static final String ATTRIBUTE = "relaybox.requestId";
  private static final String TRACE_ATTRIBUTE = "relaybox.traceparent";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  private final TimeOrderedIds ids;

  public RequestIds(TimeOrderedIds ids) {
    this.ids = ids;
  }

  String assign(Context ctx) {
    String id = acceptable(ctx.header(HEADER)).orElseGet(() -> ids.next().toString());
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
    Traceparent trace = Traceparent.parse(ctx.header(TRACEPARENT_HEADER))
        .map(parent -> parent.child(ThreadLocalRandom.current()))
        .orElseGet(() -> Traceparent.start(ThreadLocalRandom.current()));
    ctx.attribute(TRACE_ATTRIBUTE, trace);
    return id;
  }

  /** The caller's request id when it is one this server echoes (safe characters, at most 128). */
  static Optional<String> acceptable(String offered) {
    return offered != null && SAFE.matcher(offered).matches() ? Optional.of(offered) : Optional.empty();
  }

  /** The span this request runs in, as a {@code traceparent} header value; empty outside a request. */
  public static String traceparentOf(Context ctx) {
    Traceparent trace = ctx.attribute(TRACE_ATTRIBUTE);
    return trace == null ? "" : trace.toString();
  }

  static String traceIdOf(Context ctx) {
    Traceparent trace = ctx.attribute(TRACE_ATTRIBUTE);
    return trace == null ? "" : trace.traceId();
  }

  public static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? "" : id;
  }
}
