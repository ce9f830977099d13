package dev.relaybox.bootstrap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Slack incoming-webhook stand-in on 127.0.0.1: answers {@code 200 ok} unless a test scripted other answers for
 * messages containing a marker, and counts the messages it accepted per assistance request id.
 */
final class FakeSlack implements AutoCloseable {
  private static final Pattern REQUEST_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");

  record Answer(int status, String body, Map<String, String> headers, Duration delay) {
    static Answer ok() {
      return new Answer(200, "ok", Map.of(), Duration.ZERO);
    }

    static Answer status(int status, String body) {
      return new Answer(status, body, Map.of(), Duration.ZERO);
    }
  }

  record Received(Instant at, String body, int answeredWith, String traceparent, String query) {}

  private final HttpServer server;
  private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Answer> always = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> accepted = new ConcurrentHashMap<>();

  FakeSlack() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/services/hook", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/hook";
  }

  /** Messages containing {@code marker} get these answers in order, then {@code 200 ok}. */
  void script(String marker, Answer... answers) {
    scripts.put(marker, new ArrayDeque<>(List.of(answers)));
  }

  /** Messages containing {@code marker} always get this answer until cleared. */
  void alwaysAnswer(String marker, Answer answer) {
    always.put(marker, answer);
  }

  void clear(String marker) {
    always.remove(marker);
    scripts.remove(marker);
  }

  List<Received> receivedContaining(String marker) {
    return received.stream().filter(r -> r.body().contains(marker)).toList();
  }

  /** Every message that mentions {@code requestId}, whatever it was answered. */
  int receivedFor(String requestId) {
    return (int) received.stream().filter(r -> r.body().contains(requestId)).count();
  }

  int acceptedFor(String requestId) {
    return accepted.getOrDefault(requestId, 0);
  }

  Map<String, Integer> accepted() {
    return Map.copyOf(accepted);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Answer answer = answerFor(body);
    try {
      if (!answer.delay().isZero()) {
        Thread.sleep(answer.delay());
      }
      received.add(new Received(Instant.now(), body, answer.status(),
          String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")),
          String.valueOf(exchange.getRequestURI().getRawQuery())));
      if (answer.status() == 200) {
        Matcher m = REQUEST_ID.matcher(body);
        if (m.find()) {
          accepted.merge(m.group(), 1, Integer::sum);
        }
      }
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client gave up (timeout); nothing to answer
    } finally {
      exchange.close();
    }
  }

  private Answer answerFor(String body) {
    for (var entry : always.entrySet()) {
      if (body.contains(entry.getKey())) {
        return entry.getValue();
      }
    }
    for (var entry : scripts.entrySet()) {
      if (body.contains(entry.getKey())) {
        synchronized (entry.getValue()) {
          Answer next = entry.getValue().poll();
          if (next != null) {
            return next;
          }
        }
      }
    }
    return Answer.ok();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
