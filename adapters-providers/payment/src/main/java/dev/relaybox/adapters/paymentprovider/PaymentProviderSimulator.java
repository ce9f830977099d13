package dev.relaybox.adapters.paymentprovider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A payment provider that speaks the protocol of docs/payment-provider.md, for demos and tests: it keeps transactions
 * in memory, answers with the configured latency, turns a share of creates into 504s (some of which did create),
 * settles each transaction after {@code settleAfter} with the configured status mix, and sends a signed webhook for
 * all but a share of them. It counts what it saw, so tests can prove Relaybox never created a transaction twice.
 */
public final class PaymentProviderSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentProviderSimulator.class);

  private final AtomicReference<SimulatorSettings> settings;
  private final HttpServer server;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("simulator-timer").unstarted(r));
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final Random random;
  private final Map<UUID, Entry> transactions = new ConcurrentHashMap<>();
  private final Map<UUID, AtomicInteger> postsById = new ConcurrentHashMap<>();
  private final Map<UUID, AtomicInteger> getsById = new ConcurrentHashMap<>();
  private final AtomicInteger posts = new AtomicInteger();
  private final AtomicInteger creates = new AtomicInteger();
  private final AtomicInteger conflicts = new AtomicInteger();
  private final AtomicInteger gets = new AtomicInteger();
  private final AtomicInteger gatewayTimeouts = new AtomicInteger();
  private final AtomicInteger webhooksSent = new AtomicInteger();

  /** One transaction as the provider keeps it. */
  private record Entry(UUID id, String type, long amount, String currency, String status, Optional<String> reason) {
    Entry settled(String finalStatus, Optional<String> why) {
      return new Entry(id, type, amount, currency, finalStatus, why);
    }
  }

  /** What the simulator saw since it started. */
  public record Stats(int posts, int creates, int conflicts, int gets, int gatewayTimeouts, int webhooksSent, int transactions) {}

  private PaymentProviderSimulator(SimulatorSettings initial) throws IOException {
    this.settings = new AtomicReference<>(initial);
    this.random = new Random(initial.seed());
    this.server = HttpServer.create(new InetSocketAddress(initial.host(), initial.port()), 256);
    server.setExecutor(requests);
    server.createContext("/transactions", this::transactions);
    server.createContext("/_simulator/stats", this::stats);
  }

  public static PaymentProviderSimulator start(SimulatorSettings settings) throws IOException {
    PaymentProviderSimulator simulator = new PaymentProviderSimulator(settings);
    simulator.server.start();
    return simulator;
  }

  /** {@code java -jar relaybox.jar simulate payment-provider ...}: runs until the process is stopped. */
  public static int run(String[] args) {
    SimulatorSettings parsed;
    try {
      if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
        System.out.print(SimulatorSettings.USAGE);
        return 0;
      }
      parsed = SimulatorSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("simulate payment-provider: " + e.getMessage());
      System.err.print(SimulatorSettings.USAGE);
      return 2;
    }
    try {
      PaymentProviderSimulator simulator = start(parsed);
      Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "simulator-shutdown"));
      System.out.printf("payment provider simulator listening on %s (webhooks to %s); stats at %s_simulator/stats%n", simulator.url(),
          parsed.webhookUrl().map(URI::toString).orElse("nowhere"), simulator.url());
      System.out.flush();
      Thread.currentThread().join();
      return 0;
    } catch (IOException e) {
      System.err.println("simulate payment-provider: cannot listen on " + parsed.host() + ":" + parsed.port() + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  public URI url() {
    return URI.create("http://" + settings.get().host() + ":" + port() + "/");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Turns knobs while running (the address stays). */
  public void reconfigure(java.util.function.Consumer<SimulatorSettings.Builder> change) {
    settings.updateAndGet(s -> s.with(change));
  }

  public Stats stats() {
    return new Stats(posts.get(), creates.get(), conflicts.get(), gets.get(), gatewayTimeouts.get(), webhooksSent.get(),
        transactions.size());
  }

  /** How many POSTs named this id. */
  public int postsFor(UUID id) {
    return postsById.getOrDefault(id, new AtomicInteger()).get();
  }

  /** How many GETs asked for this id. */
  public int getsFor(UUID id) {
    return getsById.getOrDefault(id, new AtomicInteger()).get();
  }

  public Optional<String> statusOf(UUID id) {
    return Optional.ofNullable(transactions.get(id)).map(Entry::status);
  }

  private void transactions(HttpExchange exchange) throws IOException {
    try (exchange) {
      SimulatorSettings s = settings.get();
      pause(s.latency());
      if (s.apiKey().isPresent() && !("Bearer " + s.apiKey().get()).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        respond(exchange, 401, json.createObjectNode().put("error", "missing or wrong bearer key"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/transactions") && method.equals("POST")) {
        create(exchange, s);
      } else if (path.startsWith("/transactions/") && method.equals("GET")) {
        find(exchange, path.substring("/transactions/".length()));
      } else {
        respond(exchange, 404, json.createObjectNode().put("error", "no such route"));
      }
    } catch (RuntimeException e) {
      LOG.warn("simulator failed to answer: {}", e.toString());
    }
  }

  private void find(HttpExchange exchange, String rawId) throws IOException {
    gets.incrementAndGet();
    UUID id;
    try {
      id = UUID.fromString(rawId);
    } catch (IllegalArgumentException e) {
      respond(exchange, 404, json.createObjectNode().put("error", "unknown transaction"));
      return;
    }
    getsById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    Entry entry = transactions.get(id);
    if (entry == null) {
      respond(exchange, 404, json.createObjectNode().put("error", "unknown transaction"));
      return;
    }
    respond(exchange, 200, view(entry));
  }

  private void create(HttpExchange exchange, SimulatorSettings s) throws IOException {
    posts.incrementAndGet();
    JsonNode body;
    try (InputStream in = exchange.getRequestBody()) {
      body = json.readTree(in);
    } catch (IOException e) {
      respond(exchange, 400, json.createObjectNode().put("reason", "body is not JSON"));
      return;
    }
    Optional<String> invalid = invalid(body);
    if (invalid.isPresent()) {
      respond(exchange, 422, json.createObjectNode().put("reason", invalid.get()));
      return;
    }
    UUID id = UUID.fromString(body.get("id").asText());
    postsById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    boolean timeout = chance(s.share504());
    boolean createdAnyway = timeout && chance(s.share504Created());
    if (timeout && !createdAnyway) {
      gatewayTimeouts.incrementAndGet();
      respond(exchange, 504, json.createObjectNode().put("error", "gateway timeout"));
      return;
    }
    Entry fresh = new Entry(id, body.get("type").asText(), body.get("amount").asLong(), body.get("currency").asText(), "pending",
        Optional.empty());
    Entry existing = transactions.putIfAbsent(id, fresh);
    if (existing != null) {
      conflicts.incrementAndGet();
      respond(exchange, timeout ? 504 : 409, view(existing));
      return;
    }
    creates.incrementAndGet();
    if (s.webhookBeforeResponse()) {
      settle(id, s);
    } else {
      timer.schedule(() -> settle(id, settings.get()), s.settleAfter().toMillis(), TimeUnit.MILLISECONDS);
    }
    if (timeout) {
      gatewayTimeouts.incrementAndGet();
      respond(exchange, 504, json.createObjectNode().put("error", "gateway timeout"));
      return;
    }
    respond(exchange, 201, view(fresh));
  }

  private Optional<String> invalid(JsonNode body) {
    if (body == null || !body.isObject()) {
      return Optional.of("body must be a JSON object");
    }
    try {
      UUID.fromString(body.path("id").asText(""));
    } catch (IllegalArgumentException e) {
      return Optional.of("id must be a UUID");
    }
    String type = body.path("type").asText("");
    if (!type.equals("credit") && !type.equals("debit")) {
      return Optional.of("type must be credit or debit");
    }
    if (!body.path("amount").canConvertToLong() || body.path("amount").asLong() <= 0) {
      return Optional.of("amount must be a positive integer");
    }
    if (!body.path("currency").asText("").matches("[A-Z]{3}")) {
      return Optional.of("currency must be an ISO 4217 code");
    }
    return Optional.empty();
  }

  private void settle(UUID id, SimulatorSettings s) {
    boolean failed = chance(s.shareFailed());
    Entry settled = transactions.computeIfPresent(id, (k, e) -> e.status().equals("pending")
        ? e.settled(failed ? "failed" : "succeeded", failed ? Optional.of("card_declined") : Optional.empty())
        : e);
    if (settled == null || s.webhookUrl().isEmpty() || chance(s.shareNoWebhook())) {
      return;
    }
    ObjectNode payload = json.createObjectNode().put("type", "transaction.updated");
    payload.set("data", view(settled));
    sendWebhook(s, "msg_" + UUID.randomUUID().toString().replace("-", ""), payload.toString(), 1);
  }

  private void sendWebhook(SimulatorSettings s, String webhookId, String payload, int attempt) {
    try {
      long timestamp = Instant.now().getEpochSecond();
      String signature = new Webhook(s.webhookSecret().orElseThrow()).sign(webhookId, timestamp, payload);
      HttpRequest request = HttpRequest.newBuilder(s.webhookUrl().orElseThrow())
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .header("webhook-id", webhookId)
          .header("webhook-timestamp", Long.toString(timestamp))
          .header("webhook-signature", signature)
          .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
          .build();
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      webhooksSent.incrementAndGet();
      if (status < 300 || attempt >= 5 || (status >= 400 && status < 500 && status != 429)) {
        return;
      }
    } catch (IOException e) {
      if (attempt >= 5) {
        LOG.warn("simulator gave up on webhook {}: {}", webhookId, e.toString());
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      LOG.warn("simulator cannot sign webhook {}: {}", webhookId, e.toString());
      return;
    }
    timer.schedule(() -> requests.execute(() -> sendWebhook(s, webhookId, payload, attempt + 1)), 1L << attempt, TimeUnit.SECONDS);
  }

  private ObjectNode view(Entry e) {
    ObjectNode node = json.createObjectNode().put("id", e.id().toString()).put("status", e.status());
    e.reason().ifPresent(r -> node.put("reason", r));
    return node;
  }

  private void stats(HttpExchange exchange) throws IOException {
    try (exchange) {
      respond(exchange, 200, json.valueToTree(stats()));
    }
  }

  private void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private boolean chance(double share) {
    if (share <= 0) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < share;
    }
  }

  private static void pause(Duration latency) {
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    timer.shutdownNow();
    requests.shutdownNow();
  }
}
