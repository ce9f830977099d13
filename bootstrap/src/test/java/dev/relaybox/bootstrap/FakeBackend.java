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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The main backend on 127.0.0.1: verifies every delivery's Standard Webhooks signature with the standardwebhooks
 * library, records what it accepted (with its webhook-id) and can be taken down (503) or gone (410).
 */
final class FakeBackend implements AutoCloseable {
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  record Received(String webhookId, String type, String userId, String productId, String state, JsonNode body) {}

  private final HttpServer server;
  private final Webhook verifier;
  private final List<Received> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger badSignatures = new AtomicInteger();
  private volatile int answer = 200;

  FakeBackend() throws Exception {
    verifier = new Webhook(SECRET);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/hooks/purchases", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/purchases";
  }

  void answer(int status) {
    answer = status;
  }

  List<Received> accepted() {
    return List.copyOf(accepted);
  }

  List<Received> acceptedFor(String userId) {
    return accepted.stream().filter(r -> r.userId().equals(userId)).toList();
  }

  int attempts() {
    return attempts.get();
  }

  int badSignatures() {
    return badSignatures.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      attempts.incrementAndGet();
      Map<String, List<String>> headers = new HashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
      try {
        verifier.verify(body, headers);
      } catch (Exception e) {
        badSignatures.incrementAndGet();
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      int status = answer;
      if (status == 200) {
        JsonNode json = TestApi.JSON.readTree(body);
        JsonNode data = json.path("data");
        accepted.add(new Received(headers.get("webhook-id").getFirst(), json.path("type").asText(), data.path("userId").asText(),
            data.path("productId").asText(), data.path("state").asText(), json));
      }
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
