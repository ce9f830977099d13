package dev.relaybox.adapters.notify.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.jobs.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a real receiver on 127.0.0.1 that verifies every delivery with the standardwebhooks library itself, as a
 * customer's endpoint would.
 */
class WebhookChannelTest {

  static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
      "relaybox-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  // Generous for the answers that should arrive (a busy CI machine is slow); short only where a timeout is the point.
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

  /** What the receiver saw: the webhook-id and whether the signature verified. */
  record Delivery(String webhookId, boolean verified, String body) {}

  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  /** Status codes the receiver answers in turn once its signature check passed; 200 when empty. */
  private final Queue<Integer> script = new ArrayDeque<>();
  private volatile long handlerDelayMillis;
  private ExecutorService serverThreads;
  private HttpServer server;
  private URI url;

  @BeforeEach
  void startReceiver() throws Exception {
    Webhook verifier = new Webhook(SECRET);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.createContext("/hooks/relaybox", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      boolean verified;
      try {
        verifier.verify(body, exchange.getRequestHeaders());
        verified = true;
      } catch (WebhookVerificationException e) {
        verified = false;
      }
      deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("webhook-id"), verified, body));
      sleep(handlerDelayMillis);
      Integer status;
      synchronized (script) {
        status = script.poll();
      }
      if (!verified) {
        respond(exchange, 401, "bad signature");
      } else if (status != null && status == 429) {
        exchange.getResponseHeaders().add("Retry-After", "12");
        respond(exchange, 429, "slow down");
      } else {
        respond(exchange, status == null ? 204 : status, status == null ? "" : "status " + status);
      }
    });
    server.start();
    url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/relaybox");
  }

  @AfterEach
  void stopReceiver() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  @Test
  void deliversASignedBodyTheReceiverVerifies() throws Exception {
    Notification n = notification();

    assertEquals(Outcome.done(), channel(SECRET).send(n));

    assertEquals(1, deliveries.size());
    Delivery delivery = deliveries.get(0);
    assertTrue(delivery.verified());
    assertEquals(n.requestId().toString(), delivery.webhookId());
    JsonNode body = new ObjectMapper().readTree(delivery.body());
    assertEquals("assistance.requested", body.get("type").asText());
    assertEquals(n.requestId().toString(), body.get("id").asText());
    assertEquals("pricing", body.get("topic").asText());
    assertEquals("What does <b>Pro</b> cost?", body.get("description").asText());
    assertEquals("pro", body.get("metadata").get("plan").asText(), "metadata is embedded as JSON, not a string");
    assertEquals("2026-03-01T10:00:00Z", body.get("requestedAt").asText());
  }

  @Test
  void metadataNumbersGoOutWithEveryDigitStored() throws Exception {
    Notification n = new Notification(UUID.randomUUID(), "pricing", "exact", "{\"d\": 0.1000000000000000055511151231257827, "
        + "\"b\": 9007199254740993.5}", Instant.parse("2026-03-01T10:00:00Z"), "corr-10");

    assertEquals(Outcome.done(), channel(SECRET).send(n));

    String body = deliveries.get(0).body();
    assertTrue(body.contains("0.1000000000000000055511151231257827"), body);
    assertTrue(body.contains("9007199254740993.5"), body);
  }

  @Test
  void keepsTheSameWebhookIdWhenARetryIsDelivered() {
    synchronized (script) {
      script.add(503);
    }
    WebhookChannel channel = channel(SECRET);
    Notification n = notification();

    Outcome first = channel.send(n);
    Outcome second = channel.send(n);

    assertInstanceOf(Outcome.Retry.class, first);
    assertEquals(Outcome.done(), second);
    assertEquals(2, deliveries.size());
    assertTrue(deliveries.stream().allMatch(Delivery::verified));
    assertEquals(n.requestId().toString(), deliveries.get(0).webhookId());
    assertEquals(deliveries.get(0).webhookId(), deliveries.get(1).webhookId());
  }

  @Test
  void aReceiverWithAnotherSecretRefusesAndThatIsPermanent() {
    String otherSecret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);

    Outcome outcome = channel(otherSecret).send(notification());

    assertTrue(deliveries.stream().noneMatch(Delivery::verified));
    Outcome.Fail fail = assertInstanceOf(Outcome.Fail.class, outcome);
    assertTrue(fail.reason().contains("401"), fail.reason());
  }

  @Test
  void honoursRetryAfterOn429() {
    synchronized (script) {
      script.add(429);
    }
    Outcome outcome = channel(SECRET).send(notification());

    assertEquals(Optional.of(Duration.ofSeconds(12)), assertInstanceOf(Outcome.Retry.class, outcome).after());
  }

  @Test
  void goneAndOtherClientErrorsFailWhileTimeoutsRetry() {
    synchronized (script) {
      script.add(410);
      script.add(400);
    }
    WebhookChannel channel = channel(SECRET);

    assertTrue(assertInstanceOf(Outcome.Fail.class, channel.send(notification())).reason().contains("410"));
    assertInstanceOf(Outcome.Fail.class, channel.send(notification()));

    handlerDelayMillis = SHORT_TIMEOUT.multipliedBy(10).toMillis();
    WebhookChannel impatient = WebhookChannel.create(url, WebhookChannelFactory.signer(SECRET), Duration.ofSeconds(2), SHORT_TIMEOUT,
        Clock.systemUTC());
    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, impatient.send(notification()));
    assertTrue(retry.reason().contains("timed out"), retry.reason());
  }

  @Test
  void signsEachAttemptWithItsOwnTimestamp() throws Exception {
    Notification n = notification();
    Webhook signer = new Webhook(SECRET);
    String payload = WebhookChannel.payload(n);

    assertNotEquals(signer.sign(n.requestId().toString(), 1_700_000_000L, payload),
        signer.sign(n.requestId().toString(), 1_700_000_001L, payload));
    assertTrue(signer.sign(n.requestId().toString(), 1_700_000_000L, payload).startsWith("v1,"));
  }

  @Test
  void anEndlessErrorBodyIsReadOnlyAsFarAsTheErrorMessageNeeds() {
    server.createContext("/hooks/endless", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(500, 0); // chunked, and it never ends
      byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.UTF_8);
      try (var out = exchange.getResponseBody()) {
        while (!Thread.currentThread().isInterrupted()) {
          out.write(chunk);
        }
      } catch (IOException closedByTheChannel) {
        // the channel stopped reading: what this test wants
      }
    });
    WebhookChannel channel = WebhookChannel.create(URI.create(url.toString().replace("/hooks/relaybox", "/hooks/endless")),
        WebhookChannelFactory.signer(SECRET), Duration.ofSeconds(2), CLIENT_TIMEOUT, Clock.systemUTC());

    // Reading the whole body would never end (the request timeout stops at the headers).
    Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> channel.send(notification()));

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, outcome);
    assertTrue(retry.reason().startsWith("webhook 500: xxx") && retry.reason().length() < 300, retry.reason());
  }

  private WebhookChannel channel(String secret) {
    return WebhookChannel.create(url, WebhookChannelFactory.signer(secret), Duration.ofSeconds(2), CLIENT_TIMEOUT,
        Clock.systemUTC());
  }

  private static Notification notification() {
    return new Notification(UUID.randomUUID(), "pricing", "What does <b>Pro</b> cost?", "{\"plan\":\"pro\"}",
        Instant.parse("2026-03-01T10:00:00Z"), "corr-9");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
