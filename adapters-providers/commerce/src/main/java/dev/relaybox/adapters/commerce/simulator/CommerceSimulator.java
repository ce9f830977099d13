package dev.relaybox.adapters.commerce.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;

/**
 * Customers, inventory and payment authorisations speaking the protocol of {@code docs/commerce-ports.md}, in memory,
 * for demos and tests. Reservations and authorisations are idempotent on the order id. {@code /_simulator/knobs}
 * reads and changes the {@link Knobs}; {@code /_simulator/state} shows stock, reservations and authorisations.
 */
public final class CommerceSimulator implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A reservation; {@code released} once deleted. */
  public record Reservation(String id, String orderId, Map<String, Integer> items, boolean released) {}

  /** An authorisation: approved, declined or voided. */
  public record Authorization(String id, String orderId, String customerId, long amount, String currency, String status) {}

  private final HttpServer server;
  private final RandomGenerator random;
  private final Object lock = new Object();
  private Knobs knobs;
  private final Map<String, Integer> stock = new HashMap<>();
  private final Map<String, Reservation> reservations = new LinkedHashMap<>();
  private final Map<String, String> reservationByOrder = new HashMap<>();
  private final Map<String, Authorization> authorizations = new LinkedHashMap<>();
  private final Map<String, String> authorizationByOrder = new HashMap<>();

  private CommerceSimulator(HttpServer server, Knobs knobs, RandomGenerator random) {
    this.server = server;
    this.knobs = knobs;
    this.random = random;
  }

  public static CommerceSimulator start(String host, int port, Knobs knobs, RandomGenerator random) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
      CommerceSimulator simulator = new CommerceSimulator(server, knobs, random);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/", simulator::handle);
      server.start();
      return simulator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String baseUrl() {
    return "http://" + server.getAddress().getHostString() + ":" + port();
  }

  public Knobs knobs() {
    synchronized (lock) {
      return knobs;
    }
  }

  /** New knobs; the SKUs they name in {@code stock} are restocked to that level now, even ones already seen. */
  public void knobs(Knobs value) {
    synchronized (lock) {
      knobs = value;
      stock.putAll(value.stock());
    }
  }

  public void latency(String service, java.time.Duration latency) {
    synchronized (lock) {
      knobs = knobs.withLatency(service, latency);
    }
  }

  public void failureRate(String service, double rate) {
    synchronized (lock) {
      knobs = knobs.withFailureRate(service, rate);
    }
  }

  /** Every reservation made, released ones included. */
  public List<Reservation> reservations() {
    synchronized (lock) {
      return List.copyOf(reservations.values());
    }
  }

  public List<Authorization> authorizations() {
    synchronized (lock) {
      return List.copyOf(authorizations.values());
    }
  }

  public int stockOf(String sku) {
    synchronized (lock) {
      return stock.computeIfAbsent(sku, knobs::initialStock);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.startsWith("/_simulator/")) {
        control(exchange, method, path);
        return;
      }
      String service = path.startsWith("/customers") ? "customers"
          : path.startsWith("/reservations") ? "inventory"
          : path.startsWith("/authorizations") ? "authorizations" : "";
      if (service.isEmpty()) {
        send(exchange, 404, error("no such resource"));
        return;
      }
      Knobs now = knobs();
      if (random.nextDouble() < now.failureRate(service)) {
        send(exchange, 503, error("simulated failure"));
        return;
      }
      Reply reply = switch (service) {
        case "customers" -> customers(method, path, now);
        case "inventory" -> inventory(method, path, query(exchange, "orderId"), body(exchange));
        default -> authorizations(method, path, query(exchange, "orderId"), body(exchange), now);
      };
      sleep(now.latency(service));
      send(exchange, reply.status(), reply.body());
    } catch (RuntimeException e) {
      send(exchange, 400, error(e.getMessage() == null ? "bad request" : e.getMessage()));
    }
  }

  private record Reply(int status, JsonNode body) {}

  private Reply customers(String method, String path, Knobs now) {
    String id = URLDecoder.decode(path.substring("/customers/".length() - 1).replaceFirst("^/", ""), StandardCharsets.UTF_8);
    if (!method.equals("GET") || id.isEmpty() || id.contains("/")) {
      return new Reply(404, error("no such resource"));
    }
    if (now.unknownCustomers().contains(id)) {
      return new Reply(404, error("no customer " + id));
    }
    return new Reply(200, JSON.createObjectNode().put("id", id));
  }

  private Reply inventory(String method, String path, String orderId, JsonNode body) {
    synchronized (lock) {
      if (path.equals("/reservations") && method.equals("POST")) {
        String order = required(body, "orderId");
        String existing = reservationByOrder.get(order);
        if (existing != null && !reservations.get(existing).released()) {
          return new Reply(201, JSON.createObjectNode().put("reservationId", existing));
        }
        Map<String, Integer> items = new LinkedHashMap<>();
        for (JsonNode item : body.path("items")) {
          items.merge(required(item, "sku"), item.path("quantity").asInt(), Integer::sum);
        }
        if (items.isEmpty() || items.values().stream().anyMatch(q -> q < 1)) {
          throw new IllegalArgumentException("items must name skus with positive quantities");
        }
        List<String> unavailable = new ArrayList<>();
        items.forEach((sku, quantity) -> {
          if (stock.computeIfAbsent(sku, knobs::initialStock) < quantity) unavailable.add(sku);
        });
        if (!unavailable.isEmpty()) {
          ObjectNode reply = JSON.createObjectNode();
          unavailable.forEach(reply.putArray("unavailable")::add);
          return new Reply(409, reply);
        }
        items.forEach((sku, quantity) -> stock.merge(sku, -quantity, Integer::sum));
        String id = "res_" + UUID.randomUUID().toString().replace("-", "");
        reservations.put(id, new Reservation(id, order, items, false));
        reservationByOrder.put(order, id);
        return new Reply(201, JSON.createObjectNode().put("reservationId", id));
      }
      if (path.equals("/reservations") && method.equals("GET")) {
        String id = orderId == null ? null : reservationByOrder.get(orderId);
        if (id == null || reservations.get(id).released()) {
          return new Reply(404, error("no live reservation for that order"));
        }
        Reservation r = reservations.get(id);
        ObjectNode reply = JSON.createObjectNode().put("reservationId", r.id()).put("orderId", r.orderId());
        return new Reply(200, reply);
      }
      if (path.startsWith("/reservations/") && method.equals("DELETE")) {
        String id = path.substring("/reservations/".length());
        Reservation r = reservations.get(id);
        if (r == null || r.released()) {
          return new Reply(404, error("no live reservation " + id));
        }
        r.items().forEach((sku, quantity) -> stock.merge(sku, quantity, Integer::sum));
        reservations.put(id, new Reservation(r.id(), r.orderId(), r.items(), true));
        return new Reply(204, null);
      }
      return new Reply(404, error("no such resource"));
    }
  }

  private Reply authorizations(String method, String path, String orderId, JsonNode body, Knobs now) {
    synchronized (lock) {
      if (path.equals("/authorizations") && method.equals("POST")) {
        String order = required(body, "orderId");
        String existing = authorizationByOrder.get(order);
        if (existing != null) {
          return new Reply(201, view(authorizations.get(existing)));
        }
        long amount = body.path("amount").asLong();
        if (amount < 1) throw new IllegalArgumentException("amount must be positive");
        String status = random.nextDouble() < now.declineRate() ? "declined" : "approved";
        String id = "auth_" + UUID.randomUUID().toString().replace("-", "");
        Authorization a = new Authorization(id, order, required(body, "customerId"), amount, required(body, "currency"), status);
        authorizations.put(id, a);
        authorizationByOrder.put(order, id);
        return new Reply(201, view(a));
      }
      if (path.equals("/authorizations") && method.equals("GET")) {
        String id = orderId == null ? null : authorizationByOrder.get(orderId);
        return id == null ? new Reply(404, error("no authorization for that order")) : new Reply(200, view(authorizations.get(id)));
      }
      if (path.startsWith("/authorizations/") && path.endsWith("/void") && method.equals("POST")) {
        String id = path.substring("/authorizations/".length(), path.length() - "/void".length());
        Authorization a = authorizations.get(id);
        if (a == null) {
          return new Reply(404, error("no authorization " + id));
        }
        if (a.status().equals("declined")) {
          return new Reply(409, error("a declined authorization cannot be voided"));
        }
        Authorization voided = new Authorization(a.id(), a.orderId(), a.customerId(), a.amount(), a.currency(), "voided");
        authorizations.put(id, voided);
        return new Reply(200, view(voided));
      }
      return new Reply(404, error("no such resource"));
    }
  }

  private void control(HttpExchange exchange, String method, String path) throws IOException {
    if (path.equals("/_simulator/knobs") && method.equals("GET")) {
      send(exchange, 200, JSON.valueToTree(knobs()));
    } else if (path.equals("/_simulator/knobs") && method.equals("PUT")) {
      Knobs value = JSON.treeToValue(body(exchange), Knobs.class);
      knobs(value);
      send(exchange, 200, JSON.valueToTree(value));
    } else if (path.equals("/_simulator/state") && method.equals("GET")) {
      ObjectNode state = JSON.createObjectNode();
      synchronized (lock) {
        state.set("stock", JSON.valueToTree(stock));
        state.set("reservations", JSON.valueToTree(reservations.values()));
        ArrayNode auths = state.putArray("authorizations");
        authorizations.values().forEach(a -> auths.add(view(a).put("amount", a.amount()).put("currency", a.currency())));
      }
      send(exchange, 200, state);
    } else {
      send(exchange, 404, error("no such resource"));
    }
  }

  private static ObjectNode view(Authorization a) {
    return JSON.createObjectNode().put("authorizationId", a.id()).put("orderId", a.orderId()).put("status", a.status());
  }

  private static String required(JsonNode body, String field) {
    JsonNode value = body.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value.asText();
  }

  private static JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
  }

  private static String query(HttpExchange exchange, String name) {
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) return null;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static void sleep(java.time.Duration d) {
    if (d.isZero()) return;
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
