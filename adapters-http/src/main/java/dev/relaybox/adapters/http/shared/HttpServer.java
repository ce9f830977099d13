package dev.relaybox.adapters.http.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.jobs.port.out.CommitOutcomeUnknownException;
import dev.relaybox.application.jobs.port.out.NotCommittedException;
import dev.relaybox.domain.shared.ValidationException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Javalin server: request ids, security headers, body limits, API-key checks and problem+json errors for every
 * route module. Shutdown first refuses new requests with 503 while in-flight ones finish, then stops Jetty.
 */
public final class HttpServer implements AutoCloseable {
  /** Connections the kernel queues for accept; capped by {@code net.core.somaxconn} (4096 on current kernels). */
  static final int ACCEPT_QUEUE = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  static final Map<String, String> SECURITY_HEADERS = Map.of(
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "DENY",
      "Referrer-Policy", "no-referrer",
      "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'",
      "Cross-Origin-Resource-Policy", "same-origin",
      "Cache-Control", "no-store",
      "Strict-Transport-Security", "max-age=31536000");

  /** The ops dashboard's page and assets, served without a key (the key is asked for in the page). */
  public static final String ADMIN_UI = "/admin/ui";
  private static final String PROBLEM_WRITTEN = "relaybox.problemWritten";

  private final HttpSettings settings;
  private final ObjectMapper json;
  private final RequestIds requestIds;
  private final ApiKeyAuthenticator authenticator;
  private final List<RouteModule> modules;
  private final RequestObserver observer;
  private final List<RouteInfo> routes = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> inFlightByAddress = new ConcurrentHashMap<>();
  private final PerAddressConnectionLimit connectionLimit;
  private final HeaderDeadline headerDeadline;
  private final PauseDetector pauses = new PauseDetector();
  private final LongSupplier stalledNanos;
  private static final String ADDRESS_SLOT = "relaybox.addressSlot";
  /** Headers that carry one value each; {@code traceparent} restarts the trace on its own when repeated (W3C). */
  private static final List<String> SINGLE_VALUED_HEADERS = List.of("Authorization", "Content-Type", "Idempotency-Key",
      RequestIds.HEADER);
  private volatile boolean draining;
  private volatile RoutePatterns patterns = new RoutePatterns(List.of());
  private Javalin app;

  public HttpServer(HttpSettings settings, ObjectMapper json, RequestIds requestIds, ApiKeyAuthenticator authenticator,
      List<RouteModule> modules) {
    this(settings, json, requestIds, authenticator, modules, RequestObserver.NONE);
  }

  public HttpServer(HttpSettings settings, ObjectMapper json, RequestIds requestIds, ApiKeyAuthenticator authenticator,
      List<RouteModule> modules, RequestObserver observer) {
    this(settings, json, requestIds, authenticator, modules, observer, null);
  }

  /** @param stalledNanos the server's own pauses as the body deadlines see them; {@code null}: measured here */
  HttpServer(HttpSettings settings, ObjectMapper json, RequestIds requestIds, ApiKeyAuthenticator authenticator,
      List<RouteModule> modules, RequestObserver observer, LongSupplier stalledNanos) {
    this.stalledNanos = stalledNanos == null ? pauses : stalledNanos;
    this.observer = observer;
    this.settings = settings;
    this.json = json;
    this.requestIds = requestIds;
    this.authenticator = authenticator;
    this.modules = List.copyOf(modules);
    this.connectionLimit = new PerAddressConnectionLimit(settings.maxConnectionsPerAddress());
    this.headerDeadline = new HeaderDeadline(settings.requestDeadline());
  }

  public HttpServer start() {
    pauses.start();
    app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.jetty.host = settings.host();
      config.jetty.port = settings.port();
      config.jetty.modifyHttpConfiguration(http -> {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // No minimum data rate here: the servlet layer only ever reads the gate's copy of a body already received, so
        // its check measured this server's own pauses between two reads (a GC, a busy core) and answered 408 to
        // clients that had sent everything. The gate enforces the minimum on the bytes as they arrive.
        http.setMinRequestDataRate(0);
      });
      config.jetty.modifyServer(server -> {
        // Javalin mounts its servlet context inside a handler already set, so the gate sees every request first.
        server.setHandler(new WholeBodyGate(settings.maxBodyBytes(), settings.requestDeadline(), settings.minBytesPerSecond(),
            stalledNanos, connectionLimit));
        server.setErrorHandler(new ProblemErrorHandler(json, SECURITY_HEADERS));
        // Past the limit the acceptor pauses and connections wait in the listen queue: an accept that failed for want
        // of a file descriptor instead took the node's database and outbound sockets with it.
        server.addBean(new org.eclipse.jetty.server.NetworkConnectionLimit(settings.maxConnections(), server));
        server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
          // Before doStart opens the connectors (Javalin has added its connector by then): the listen queue must be
          // sized before the open, the connection limits before the first accept. Java's default backlog of 50
          // overflowed under a burst of connects (a load balancer opening connections as responses slow down): the
          // kernel dropped the SYNs, the retry came a second later, and nginx counted each as a failed upstream.
          @Override
          public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
            for (var connector : server.getConnectors()) {
              if (connector instanceof org.eclipse.jetty.server.ServerConnector listening) {
                listening.setAcceptQueueSize(ACCEPT_QUEUE);
              }
              if (connector instanceof org.eclipse.jetty.util.component.ContainerLifeCycle container) {
                container.addEventListener(connectionLimit);
                container.addEventListener(headerDeadline);
              }
            }
            servedOnceBeforeTheNetwork(server);
          }
        });
      });
      config.http.maxRequestSize = settings.maxBodyBytes();
      config.http.prefer405over404 = true;
      config.concurrency.useVirtualThreads = true;
      config.jsonMapper(new JavalinJackson(json, true));
      config.events.handlerAdded(info -> {
        if (info.getHttpMethod().isHttpMethod()) {
          routes.add(new RouteInfo(info.getHttpMethod().name(), info.getPath()));
        }
      });
      config.requestLogger.http((ctx, millis) -> {
        try {
          observer.finished(ctx.method().name(), routeLabel(ctx), ctx.statusCode(), Duration.ofNanos((long) (millis * 1_000_000)));
        } catch (RuntimeException e) {
          LOG.warn("could not record request metrics for {} {}", ctx.method(), ctx.path(), e);
        }
      });
      config.routes.before(this::beforeEveryRequest);
      config.routes.after(ctx -> {
        inFlight.decrementAndGet();
        String address = ctx.attribute(ADDRESS_SLOT);
        if (address != null) {
          inFlightByAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
        MDC.remove(RequestIds.MDC_KEY);
        MDC.remove(RequestIds.TRACE_MDC_KEY);
      });
      config.routes.exception(ProblemException.class, (e, ctx) -> {
        e.headers().forEach(ctx::header);
        write(ctx, e.problem());
      });
      config.routes.exception(ValidationException.class, (e, ctx) -> write(ctx,
          Problem.of(422, "validation-failed", "Validation failed", e.getMessage())
              .withErrors(e.violations().stream().map(v -> new Problem.FieldError(v.field(), v.message())).toList())));
      config.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(e.getStatus(), ctx)));
      config.routes.exception(NotCommittedException.class, (e, ctx) -> {
        LOG.warn("not taken on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
        ctx.header("Retry-After", "1");
        write(ctx, Problem.of(503, "not-taken", "Service unavailable",
            "the request was not taken (" + e.getMessage() + "); nothing of it was stored, so sending it again is safe"));
      });
      config.routes.exception(CommitOutcomeUnknownException.class, (e, ctx) -> {
        LOG.error("commit outcome unknown on {} {}", ctx.method(), ctx.path(), e);
        ctx.header("Retry-After", "1");
        write(ctx, Problem.of(503, "outcome-unknown", "Service unavailable",
            "the database stopped answering while storing the request, so it may or may not be stored; send it again with"
                + " the same Idempotency-Key to get the first answer if it was"));
      });
      config.routes.exception(Exception.class, (e, ctx) -> {
        if (isUnsupportedCharset(e)) {
          write(ctx, unsupportedCharset());
          return;
        }
        int clientStatus = clientErrorStatus(e);
        if (clientStatus > 0) {
          LOG.info("{} {} answered {}: {}", ctx.method(), ctx.path(), clientStatus, oneLine(e));
          write(ctx, ProblemErrorHandler.problemFor(clientStatus));
          return;
        }
        if (isTransientDatabaseFailure(e)) {
          LOG.warn("database busy or unreachable on {} {}: {}", ctx.method(), ctx.path(), e.toString());
          ProblemException busy = overloaded("the database is busy or unreachable");
          busy.headers().forEach(ctx::header);
          write(ctx, busy.problem());
          return;
        }
        LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
        write(ctx, Problem.of(500, "internal-error", "Internal server error",
            "something went wrong on our side; quote the request id when you report it"));
      });
      config.routes.error(404, ctx -> writeIfBare(ctx, fromJavalin(404, ctx)));
      config.routes.error(405, ctx -> {
        ctx.header("Allow", String.join(", ", patterns.methodsAt(ctx.path())));
        writeIfBare(ctx, fromJavalin(405, ctx));
      });
      config.routes.error(413, ctx -> writeIfBare(ctx, fromJavalin(413, ctx)));
      modules.forEach(module -> module.register(config.routes));
    }).start();
    patterns = new RoutePatterns(routes);
    LOG.info("HTTP listening on {}:{}", settings.host(), app.port());
    return this;
  }

  /** Every HTTP route registered, in registration order (before and after handlers excluded). */
  public List<RouteInfo> routes() {
    return List.copyOf(routes);
  }

  /**
   * The route pattern for metrics: the one that handled the request, or for a request refused before a handler ran
   * (401, 405, 413) the pattern its path matches; empty only when no route matches the path (a 404), so labels stay
   * bounded by the routes.
   */
  private String routeLabel(Context ctx) {
    String matched = matchedRoute(ctx);
    return matched.isEmpty() ? patterns.patternOf(ctx.path()).orElse("") : matched;
  }

  private static String matchedRoute(Context ctx) {
    try {
      var endpoint = ctx.endpoints().matchedHttpEndpoint();
      return endpoint == null || !endpoint.method.isHttpMethod() ? "" : endpoint.path;
    } catch (RuntimeException e) {
      return "";
    }
  }

  public int port() {
    return app.port();
  }

  public boolean draining() {
    return draining;
  }

  /**
   * Javalin builds its servlet's per-request configuration lazily, without a lock, on the first request
   * ({@code JavalinServlet.servletContextConfig}, Javalin 7.2.3): the first requests arriving at once raced it, and the
   * loser got a 500 and an ERROR with a stack trace (attacker, about once in ten starts under a burst). Jetty starts
   * connectors in order after the handlers, so a local connector put first serves one request through the whole
   * chain before the network connector accepts anything.
   */
  private static void servedOnceBeforeTheNetwork(org.eclipse.jetty.server.Server server) {
    var local = new org.eclipse.jetty.server.LocalConnector(server);
    local.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
      @Override
      public void lifeCycleStarted(org.eclipse.jetty.util.component.LifeCycle event) {
        try {
          String answer = local.getResponse("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
              10, java.util.concurrent.TimeUnit.SECONDS);
          if (answer == null || !answer.startsWith("HTTP/1.1 200")) {
            LOG.warn("the HTTP server's first request, served before it listens, did not answer 200: {}",
                answer == null ? "no answer" : answer.lines().findFirst().orElse(""));
          }
        } catch (Exception e) {
          LOG.warn("the HTTP server's first request, served before it listens, failed: {}", e.toString());
        }
      }
    });
    var connectors = new java.util.ArrayList<org.eclipse.jetty.server.Connector>();
    connectors.add(local);
    connectors.addAll(java.util.List.of(server.getConnectors()));
    server.setConnectors(connectors.toArray(org.eclipse.jetty.server.Connector[]::new));
    // Gone once the server runs: Javalin reads its port from the first connector.
    server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
      @Override
      public void lifeCycleStarted(org.eclipse.jetty.util.component.LifeCycle event) {
        server.removeConnector(local);
        try {
          local.stop();
        } catch (Exception e) {
          LOG.debug("could not stop the local connector of the first request: {}", e.toString());
        }
      }
    });
  }

  private void beforeEveryRequest(Context ctx) {
    int running = inFlight.incrementAndGet();
    MDC.put(RequestIds.MDC_KEY, requestIds.assign(ctx));
    MDC.put(RequestIds.TRACE_MDC_KEY, RequestIds.traceIdOf(ctx));
    SECURITY_HEADERS.forEach(ctx::header);
    if (running > settings.maxInFlight() && !ctx.path().startsWith("/health/")) {
      throw overloaded("more than " + settings.maxInFlight() + " requests are in flight on this node");
    }
    String address = ctx.ip();
    ctx.attribute(ADDRESS_SLOT, address);
    int fromAddress = inFlightByAddress.compute(address, (key, count) -> {
      AtomicInteger current = count == null ? new AtomicInteger() : count;
      current.incrementAndGet();
      return current;
    }).get();
    if (fromAddress > settings.maxInFlightPerAddress() && !ctx.path().startsWith("/health/")) {
      throw overloaded("more than " + settings.maxInFlightPerAddress() + " requests from one client address are in flight");
    }
    checkStorableParameters(ctx);
    checkSingleValuedHeaders(ctx);
    if (draining && !ctx.path().startsWith("/health/")) {
      ctx.header("Connection", "close");
      throw new ProblemException(Problem.of(503, "shutting-down", "Service unavailable",
          "this node is shutting down; retry against another node"), Map.of("Retry-After", "1"));
    }
    long declared = ctx.contentLength();
    if (declared > settings.maxBodyBytes()) {
      throw tooLarge();
    }
    String path = ctx.path();
    if (path.startsWith("/v1/") || path.equals("/v1")) {
      authenticator.require(ctx, ApiScope.API);
    } else if (path.equals(ADMIN_UI) || path.startsWith(ADMIN_UI + "/")) {
      // The dashboard's page and assets hold no data; every call it makes sends the admin key.
      return;
    } else if (path.startsWith("/admin/") || path.equals("/admin")) {
      authenticator.require(ctx, ApiScope.ADMIN);
    }
  }

  /**
   * A header that names one thing, sent twice, is refused: which copy wins differs between servers and proxies, so a
   * request that a proxy in front authorised or keyed by one copy must not be served by the other.
   */
  private static void checkSingleValuedHeaders(Context ctx) {
    for (String name : SINGLE_VALUED_HEADERS) {
      Enumeration<String> values = ctx.req().getHeaders(name);
      if (values != null && values.hasMoreElements()) {
        values.nextElement();
        if (values.hasMoreElements()) {
          throw ProblemException.badRequest("the " + name + " header is sent more than once; send it once");
        }
      }
    }
  }

  /** Query parameters and the path must hold only text PostgreSQL can store; see {@link StorableInput}. */
  private static void checkStorableParameters(Context ctx) {
    StorableInput.checkParameter("path", ctx.path());
    if (!StrictUtf8.percentEscapesAreWellFormed(ctx.queryString())) {
      throw ProblemException.badRequest("the query string is not valid percent-encoding: each '%' must start two hex digits"
          + " (send a '%' itself as %25)");
    }
    if (!StrictUtf8.percentEncodedIsUtf8(ctx.queryString())) {
      throw ProblemException.badRequest("the query string is not valid UTF-8 once percent-decoded");
    }
    Map<String, List<String>> query;
    try {
      query = ctx.queryParamMap();
    } catch (RuntimeException e) {
      throw ProblemException.badRequest("the query string is not valid percent-encoding");
    }
    query.forEach((name, values) -> {
      StorableInput.checkParameter("query parameter name", name);
      values.forEach(value -> StorableInput.checkParameter(name.length() > 64 ? name.substring(0, 64) : name, value));
    });
  }

  private static ProblemException overloaded(String detail) {
    return new ProblemException(Problem.of(503, "overloaded", "Service unavailable", detail + "; retry shortly"),
        Map.of("Retry-After", "1"));
  }

  /** The client named a charset the JVM does not know (or an illegal name); reading the body fails on it. */
  private static boolean isUnsupportedCharset(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.charset.UnsupportedCharsetException || t instanceof java.nio.charset.IllegalCharsetNameException) {
        return true;
      }
    }
    return false;
  }

  static Problem unsupportedCharset() {
    return Problem.of(415, "unsupported-charset", "Unsupported media type",
        "unsupported charset: JSON bodies are UTF-8 (RFC 8259); send UTF-8, declared as charset=utf-8 or not at all");
  }

  /**
   * Jetty raises a 4xx of its own while a route reads the request (a body too slow, malformed framing): that status,
   * not a 500, is the answer; 0 when the failure is not one.
   */
  private static int clientErrorStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.jetty.http.HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
        return http.getCode();
      }
    }
    return 0;
  }

  private static String oneLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    String first = message.lines().findFirst().orElse("");
    return first.length() > 200 ? first.substring(0, 200) : first;
  }

  /**
   * Failures the same request may well not meet again: no connection (08, 57P: PostgreSQL restarting), the session
   * ended mid-transaction (25P03), a deadlock or serialization failure (40P01, 40001), a lock or statement timeout
   * (55P03, 57014).
   */
  private static final java.util.Set<String> TRANSIENT_SQL_STATES = java.util.Set.of("25P03", "40P01", "40001", "55P03",
      "57014");

  /**
   * A pool that timed out, a connection that failed, or a session PostgreSQL ended (shutdown, or this node paused
   * inside a transaction past its idle limit, 25P03): the request was not taken, so the caller may retry.
   */
  private static boolean isTransientDatabaseFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLNonTransientConnectionException
          || (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && (sql.getSQLState().startsWith("08")
              || sql.getSQLState().startsWith("57P") || TRANSIENT_SQL_STATES.contains(sql.getSQLState())))) {
        return true;
      }
    }
    return false;
  }

  private ProblemException tooLarge() {
    return new ProblemException(Problem.of(413, "content-too-large", "Content too large",
        "the request body is larger than " + settings.maxBodyBytes() + " bytes"));
  }

  private Problem fromJavalin(int status, Context ctx) {
    return switch (status) {
      case 400 -> Problem.of(400, "bad-request", "Bad request", "the request could not be understood");
      case 404 -> Problem.of(404, "not-found", "Not found", "no resource at " + ctx.path());
      case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed", ctx.method() + " is not supported on " + ctx.path());
      case 413 -> tooLarge().problem();
      default -> Problem.of(status, "http-" + status, "HTTP " + status, "the request failed with status " + status);
    };
  }

  private void writeIfBare(Context ctx, Problem problem) {
    if (ctx.attribute(PROBLEM_WRITTEN) == null) {
      write(ctx, problem);
    }
  }

  private void write(Context ctx, Problem problem) {
    ctx.attribute(PROBLEM_WRITTEN, Boolean.TRUE);
    try {
      ctx.status(problem.status())
          .contentType(Problem.MEDIA_TYPE)
          .result(json.writeValueAsBytes(problem.at(ctx.path(), RequestIds.of(ctx)))); // bytes: a String result is sent as ISO-8859-1
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Connections from {@code address} the per-address limit counts as open now. */
  int connectionsFrom(String address) {
    return connectionLimit.openFrom(address);
  }

  /** Connections from {@code address} the per-address limit holds now, served and turned away. */
  int connectionsHeldFrom(String address) {
    return connectionLimit.heldFrom(address);
  }

  /**
   * Refuses new requests (readiness 503, the rest {@code 503 shutting-down}) with the listener open for the readiness
   * delay, waits for in-flight ones up to the drain timeout, then stops the server.
   */
  @Override
  public void close() {
    if (app == null) {
      return;
    }
    draining = true;
    if (settings.readinessDelay().isPositive()) {
      // A load balancer that polls /health/ready needs its interval × fall count to see the 503 before the port
      // closes; nginx's passive checks do not (a refused connect is retried).
      LOG.info("readiness answers 503; the listener stays open for {}", settings.readinessDelay());
      try {
        Thread.sleep(settings.readinessDelay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(Duration.ofMillis(20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    app.stop();
    pauses.close();
    LOG.info("HTTP server stopped");
  }
}
