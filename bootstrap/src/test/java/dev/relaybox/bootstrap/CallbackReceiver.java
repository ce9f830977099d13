package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A client's callback endpoint on 127.0.0.1: verifies each Standard Webhooks signature, answers from a script. */
final class CallbackReceiver implements AutoCloseable {
  record Call(String webhookId, int answered, boolean signatureValid, JsonNode body) {}

  private final HttpServer server;
  private final Webhook verifier;
  private final Deque<Integer> script = new ArrayDeque<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  CallbackReceiver(String secret) throws Exception {
    this.verifier = new Webhook(secret);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/callbacks", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/callbacks";
  }

  /** The next answers, in order; after them every call gets 200. */
  synchronized void answer(Integer... statuses) {
    script.addAll(List.of(statuses));
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<Call> callsFor(String transactionId) {
    return calls.stream().filter(c -> c.body().path("data").path("id").asText().equals(transactionId)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, List<String>> headers = new HashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
      boolean valid;
      try {
        verifier.verify(body, headers);
        valid = true;
      } catch (Exception e) {
        valid = false;
      }
      int status;
      synchronized (this) {
        status = !valid ? 401 : script.isEmpty() ? 200 : script.poll();
      }
      calls.add(new Call(exchange.getRequestHeaders().getFirst("webhook-id"), status, valid, TestApi.json(body)));
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
