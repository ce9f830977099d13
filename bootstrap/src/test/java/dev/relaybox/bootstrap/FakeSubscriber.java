package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Downstream services on 127.0.0.1, one per path: each verifies every delivery with the standardwebhooks library and
 * the secret its endpoint was created with, records what it accepted, and can be made to answer 503 or 410.
 */
final class FakeSubscriber implements AutoCloseable {
  record Received(String webhookId, String type, String key, JsonNode envelope, Map<String, List<String>> headers) {
    String header(String name) {
      return headers.getOrDefault(name, List.of()).stream().findFirst().orElse(null);
    }
  }

  private final HttpServer server;
  private final Map<String, Webhook> verifiers = new ConcurrentHashMap<>();
  private final Map<String, List<Received>> accepted = new ConcurrentHashMap<>();
  private final Map<String, Integer> answers = new ConcurrentHashMap<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger badSignatures = new AtomicInteger();
  private final Map<String, java.time.Instant> firstRefusal = new ConcurrentHashMap<>();
  /** Per path: how often each webhook-id was refused, in the order first refused. */
  private final Map<String, Map<String, Integer>> refusals = new ConcurrentHashMap<>();
  private final Map<String, Integer> acceptAfterRefusalsOfFirst = new ConcurrentHashMap<>();

  FakeSubscriber() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
  }

  /** Verifies deliveries to {@code name} with {@code secret} from now on. */
  void secret(String name, String secret) {
    try {
      verifiers.put(name, new Webhook(secret));
    } catch (Exception e) {
      throw new AssertionError("not a whsec_ secret: " + e);
    }
  }

  void answer(String name, int status) {
    answers.put(name, status);
  }

  /**
   * Answers {@code status} to {@code name} until the first event it refused has been refused {@code times} times, then
   * {@code 200}: an outage measured in the sender's attempts rather than in wall-clock time, which a loaded host
   * stretches.
   */
  void refuseUntilTheFirstEventWasRefused(String name, int status, int times) {
    acceptAfterRefusalsOfFirst.put(name, times);
    answers.put(name, status);
  }

  /** How often each webhook-id sent to {@code name} was refused, in the order each was first refused. */
  Map<String, Integer> refusals(String name) {
    synchronized (refusals) {
      return new java.util.LinkedHashMap<>(refusals.getOrDefault(name, Map.of()));
    }
  }

  List<Received> accepted(String name) {
    return List.copyOf(accepted.getOrDefault(name, List.of()));
  }

  /** When deliveries to {@code name} were first refused: the start of its outage as its senders see it. */
  java.util.Optional<java.time.Instant> firstRefusal(String name) {
    return java.util.Optional.ofNullable(firstRefusal.get(name));
  }

  int attempts() {
    return attempts.get();
  }

  int badSignatures() {
    return badSignatures.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String name = exchange.getRequestURI().getPath().substring(1);
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      attempts.incrementAndGet();
      Map<String, List<String>> headers = new HashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
      Webhook verifier = verifiers.get(name);
      try {
        if (verifier == null) {
          throw new IllegalStateException("no secret for " + name);
        }
        verifier.verify(body, headers);
      } catch (Exception e) {
        badSignatures.incrementAndGet();
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      int status;
      synchronized (refusals) {
        status = answers.getOrDefault(name, 200);
        if (status >= 300) {
          firstRefusal.putIfAbsent(name, java.time.Instant.now());
          Map<String, Integer> counts = refusals.computeIfAbsent(name, n -> new java.util.LinkedHashMap<>());
          counts.merge(headers.get("webhook-id").getFirst(), 1, Integer::sum);
          Integer times = acceptAfterRefusalsOfFirst.get(name);
          if (times != null && counts.values().iterator().next() >= times) {
            answers.put(name, 200);
            acceptAfterRefusalsOfFirst.remove(name);
          }
        }
      }
      if (status >= 200 && status < 300) {
        JsonNode json = TestApi.JSON.readTree(body);
        accepted.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>())
            .add(new Received(headers.get("webhook-id").getFirst(), json.path("type").asText(), json.path("key").asText(), json,
                Map.copyOf(headers)));
      }
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
