package dev.relaybox.adapters.notify.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.jobs.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server on 127.0.0.1, scripted per test. */
class SlackChannelTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:15:30Z"), ZoneOffset.UTC);
  // Generous for the answers that should arrive (a busy CI machine is slow); short only where a timeout is the point.
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);
  private URI url;

  private final AtomicReference<HttpHandler> script = new AtomicReference<>();
  private final AtomicReference<String> receivedBody = new AtomicReference<>();
  private final AtomicReference<String> receivedUserAgent = new AtomicReference<>();
  private final AtomicReference<String> receivedContentType = new AtomicReference<>();
  private ExecutorService serverThreads;
  private HttpServer server;
  private SlackChannel channel;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.createContext("/services/T000/B000/XXXX", exchange -> {
      receivedBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      receivedUserAgent.set(exchange.getRequestHeaders().getFirst("User-Agent"));
      receivedContentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
      script.get().handle(exchange);
    });
    server.start();
    url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/services/T000/B000/XXXX");
    channel = SlackChannel.create(url, Duration.ofSeconds(2), CLIENT_TIMEOUT, CLOCK);
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  @Test
  void deliversBlocksAndEscapedFallbackTextOn200Ok() throws IOException {
    script.set(exchange -> respond(exchange, 200, "ok"));
    Notification n = notification("Pricing & plans", "Please help <!channel> see <http://evil.example|here> & <@U123>");

    Outcome outcome = channel.send(n);

    assertEquals(Outcome.done(), outcome);
    assertEquals("relaybox", receivedUserAgent.get());
    assertTrue(receivedContentType.get().startsWith("application/json"));
    String raw = receivedBody.get();
    assertFalse(raw.contains("<!channel>"), raw);
    assertFalse(raw.contains("<http://evil.example|here>"), raw);
    assertFalse(raw.contains("<@U123>"), raw);

    JsonNode body = new ObjectMapper().readTree(raw);
    assertTrue(body.get("text").asText().contains("&lt;!channel&gt;"));
    assertTrue(body.get("text").asText().contains("Pricing &amp; plans"));
    JsonNode blocks = body.get("blocks");
    assertEquals("header", blocks.get(0).get("type").asText());
    assertEquals("Assistance requested: Pricing &amp; plans", blocks.get(0).get("text").get("text").asText());
    assertEquals("Please help &lt;!channel&gt; see &lt;http://evil.example|here&gt; &amp; &lt;@U123&gt;",
        blocks.get(1).get("text").get("text").asText());
    assertTrue(blocks.get(1).get("text").get("verbatim").asBoolean());
    assertTrue(blocks.get(2).get("fields").get(1).get("text").asText().contains(n.requestId().toString()));
    String context = blocks.get(3).get("elements").get(0).get("text").asText();
    assertTrue(context.contains("<!date^" + n.requestedAt().getEpochSecond() + "^"), context);
    assertTrue(context.contains("|2026-03-01T10:00:00Z>"), context);
  }

  @Test
  void retriesOnServerError() {
    script.set(exchange -> respond(exchange, 500, "internal_error"));

    Outcome outcome = channel.send(notification("sales", "hi"));

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, outcome);
    assertEquals(Optional.empty(), retry.after());
    assertTrue(retry.reason().contains("500"), retry.reason());
  }

  @Test
  void honoursRetryAfterOn429() {
    script.set(exchange -> {
      exchange.getResponseHeaders().add("Retry-After", "7");
      respond(exchange, 429, "rate_limited");
    });

    Outcome outcome = channel.send(notification("sales", "hi"));

    assertEquals(Optional.of(Duration.ofSeconds(7)), assertInstanceOf(Outcome.Retry.class, outcome).after());
  }

  @Test
  void failsPermanentlyWithSlacksErrorOn404NoService() {
    script.set(exchange -> respond(exchange, 404, "no_service"));

    Outcome outcome = channel.send(notification("sales", "hi"));

    Outcome.Fail fail = assertInstanceOf(Outcome.Fail.class, outcome);
    assertTrue(fail.reason().contains("no_service"), fail.reason());
    assertTrue(fail.reason().contains("404"), fail.reason());
    assertFalse(fail.reason().contains("XXXX"), "the webhook URL is a secret: " + fail.reason());
  }

  @Test
  void failsPermanentlyOnArchivedChannelAndOtherClientErrors() {
    script.set(exchange -> respond(exchange, 410, "channel_is_archived"));
    assertInstanceOf(Outcome.Fail.class, channel.send(notification("sales", "hi")));

    script.set(exchange -> respond(exchange, 422, "weird"));
    assertInstanceOf(Outcome.Fail.class, channel.send(notification("sales", "hi")));
  }

  @Test
  void retriesWhenSlackIsSlowerThanTheClientTimeout() {
    script.set(exchange -> {
      try {
        Thread.sleep(SHORT_TIMEOUT.multipliedBy(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(exchange, 200, "ok");
    });

    SlackChannel impatient = SlackChannel.create(url, Duration.ofSeconds(2), SHORT_TIMEOUT, CLOCK);
    Outcome outcome = impatient.send(notification("sales", "hi"));

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, outcome);
    assertTrue(retry.reason().contains("timed out"), retry.reason());
  }

  @Test
  void retriesWhenNothingListens() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    SlackChannel unreachable = SlackChannel.create(URI.create("http://127.0.0.1:" + closedPort + "/x"),
        Duration.ofSeconds(1), CLIENT_TIMEOUT, CLOCK);

    assertInstanceOf(Outcome.Retry.class, unreachable.send(notification("sales", "hi")));
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Notification notification(String topic, String description) {
    return new Notification(UUID.randomUUID(), topic, description, "{\"plan\":\"pro\"}",
        Instant.parse("2026-03-01T10:00:00Z"), "corr-1");
  }
}
