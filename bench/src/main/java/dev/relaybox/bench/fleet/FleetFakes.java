package dev.relaybox.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The third parties of a cluster on one loopback port, counting what they receive so a run can tell delivered from
 * lost and once from twice: Slack ({@code /slack/}: messages per assistance request id), the main backend
 * ({@code /backend/}: Standard Webhooks deliveries per {@code webhook-id} and per purchase), and Google Play
 * ({@code /google/}: the OAuth token endpoint, {@code products.get} answering "purchased, not acknowledged" for any
 * token, and {@code :acknowledge} counted per token). Signatures and token assertions are not checked (the harness
 * counts; the test suite verifies), so any key in the service-account file {@code deploy/lib.sh} writes will do.
 */
public final class FleetFakes implements AutoCloseable {
  private static final Pattern REQUEST_ID = Pattern.compile("Request id\\*\\\\n`([0-9a-f-]{36})`");
  private static final Pattern PRODUCT = Pattern.compile("/google/androidpublisher/v3/applications/[^/]+/purchases/products/[^/]+/tokens/([^/:]+)(:acknowledge)?");
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  private final HttpServer server;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, AtomicInteger> slackByRequest = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> backendByWebhookId = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> verifiedByPurchase = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> acknowledgedByToken = new ConcurrentHashMap<>();
  private final Map<String, Long> firstSlackArrival = new ConcurrentHashMap<>();
  private final AtomicLong slackMessages = new AtomicLong();
  private final AtomicLong unparsed = new AtomicLong();
  private volatile Duration slackDelay = Duration.ZERO;

  public FleetFakes(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/slack/", this::slack);
    server.createContext("/backend/", this::backend);
    server.createContext("/google/", this::google);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** How long Slack takes to answer from now on: a slow Slack keeps jobs leased long enough to be caught by a kill. */
  public void slackDelay(Duration delay) {
    slackDelay = delay;
  }

  public int slackMessagesFor(String requestId) {
    AtomicInteger n = slackByRequest.get(requestId);
    return n == null ? 0 : n.get();
  }

  /** When Slack first received the request, in {@link System#nanoTime()}, if it did. */
  public Long firstSlackArrival(String requestId) {
    return firstSlackArrival.get(requestId);
  }

  public int verifiedDeliveriesFor(String purchaseId) {
    AtomicInteger n = verifiedByPurchase.get(purchaseId);
    return n == null ? 0 : n.get();
  }

  public int acknowledgementsFor(String token) {
    AtomicInteger n = acknowledgedByToken.get(token);
    return n == null ? 0 : n.get();
  }

  /** Backend deliveries that repeated a {@code webhook-id} already received. */
  public long backendRepeats() {
    return backendByWebhookId.values().stream().mapToLong(n -> Math.max(0, n.get() - 1)).sum();
  }

  public long slackMessages() {
    return slackMessages.get();
  }

  public long unparsedSlackMessages() {
    return unparsed.get();
  }

  private void slack(HttpExchange exchange) throws IOException {
    try (exchange) {
      long at = System.nanoTime();
      String body = read(exchange);
      Duration delay = slackDelay;
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      slackMessages.incrementAndGet();
      Matcher m = REQUEST_ID.matcher(body);
      if (m.find()) {
        slackByRequest.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
        firstSlackArrival.putIfAbsent(m.group(1), at);
      } else {
        unparsed.incrementAndGet();
      }
      exchange.sendResponseHeaders(200, OK.length);
      exchange.getResponseBody().write(OK);
    }
  }

  private void backend(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = read(exchange);
      String webhookId = exchange.getRequestHeaders().getFirst("webhook-id");
      if (webhookId != null) {
        backendByWebhookId.computeIfAbsent(webhookId, k -> new AtomicInteger()).incrementAndGet();
      }
      JsonNode event = json.readTree(body);
      if ("purchase.verified".equals(event.path("type").asText())) {
        verifiedByPurchase.computeIfAbsent(event.path("data").path("purchaseId").asText(), k -> new AtomicInteger()).incrementAndGet();
      }
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private void google(HttpExchange exchange) throws IOException {
    try (exchange) {
      read(exchange);
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/google/token")) {
        send(exchange, 200, "{\"access_token\":\"fleet-access-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
        return;
      }
      Matcher product = PRODUCT.matcher(path);
      if (!product.matches()) {
        send(exchange, 404, "{\"error\":{\"code\":404,\"message\":\"Not found\"}}");
      } else if (product.group(2) != null) {
        acknowledgedByToken.computeIfAbsent(product.group(1), k -> new AtomicInteger()).incrementAndGet();
        send(exchange, 200, "{}");
      } else {
        send(exchange, 200, json.writeValueAsString(Map.of("kind", "androidpublisher#productPurchase",
            "purchaseTimeMillis", Long.toString(Instant.now().toEpochMilli()), "purchaseState", 0, "consumptionState", 0,
            "orderId", "GPA.0000-" + Math.abs(product.group(1).hashCode()), "acknowledgementState", 0, "regionCode", "US")));
      }
    }
  }

  private static String read(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
