package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import dev.relaybox.adapters.paymentprovider.PaymentProviderSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code payment.*} events through the real wiring: the provider simulator on 127.0.0.1 settles transactions, and a
 * webhook endpoint subscribed to {@code payment.*} receives them, verified with the standardwebhooks library.
 */
class PaymentEventsEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String PROVIDER_KEY = "test-provider-key";
  private static final String WEBHOOK_SECRET = secret();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PaymentProviderSimulator provider;
  private static FakeSubscriber subscribers;
  private static Relaybox relaybox;
  private static TestApi api;
  private static TestApi admin;
  private static final String ENDPOINT = "payments";

  @BeforeAll
  static void start() throws Exception {
    provider = TestConfigs.quickPaymentProvider(PROVIDER_KEY, 17);
    subscribers = new FakeSubscriber();
    Map<String, String> env = TestConfigs.freshDatabase();
    env.putAll(TestConfigs.paymentProvider(provider.url(), PROVIDER_KEY, WEBHOOK_SECRET));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    provider.reconfigure(b -> {
      b.webhookUrl = Optional.of(URI.create(providerWebhookUrl()));
      b.webhookSecret = Optional.of(WEBHOOK_SECRET);
    });
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = api.withKey(TestConfigs.ADMIN_KEY);
    HttpResponse<String> created = admin.post("/admin/webhook-endpoints",
        "{\"url\":\"" + subscribers.url(ENDPOINT) + "\",\"eventTypes\":[\"payment.*\"]}");
    assertEquals(201, created.statusCode(), created.body());
    subscribers.secret(ENDPOINT, TestApi.json(created).path("secret").asText());
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) relaybox.close();
    if (provider != null) provider.close();
    if (subscribers != null) subscribers.close();
  }

  @Test
  void aSettledPaymentAnnouncesCreatedThenSucceededOnceEachSignedAndInOrder() throws Exception {
    String account = openAccount();
    String id = TestApi.json(submit(account, "settled-1", 250)).path("id").asText();
    JsonNode settled = awaitStatus(id, "succeeded");

    Await.until("payment.succeeded reaches the endpoint", WAIT, () -> events(id).size() >= 2);
    Thread.sleep(1_000); // a duplicate would arrive within the fan-out's next rounds
    List<FakeSubscriber.Received> received = events(id);
    assertEquals(List.of("payment.created", "payment.succeeded"), received.stream().map(FakeSubscriber.Received::type).toList(),
        "in order, once each per webhook-id");
    assertEquals(0, subscribers.badSignatures(), "every delivery verified with the standardwebhooks library");
    JsonNode created = received.get(0).envelope();
    JsonNode succeeded = received.get(1).envelope();
    for (JsonNode envelope : List.of(created, succeeded)) {
      for (String field : List.of("id", "type", "occurredAt", "key", "correlationId", "data")) {
        assertTrue(envelope.has(field), "the envelope has " + field + ": " + envelope);
      }
      assertEquals(id, envelope.path("key").asText(), "keyed by the transaction id");
    }
    assertTrue(created.path("id").asText().compareTo(succeeded.path("id").asText()) < 0, "time-ordered ids");
    assertEquals("pending", created.path("data").path("status").asText(), created.toString());
    assertEquals(250, created.path("data").path("amount").asLong());
    assertTrue(created.path("data").path("settledAt").isNull(), created.toString());
    JsonNode data = succeeded.path("data");
    for (String field : List.of("id", "accountId", "type", "amount", "currency", "reference", "status", "reason", "callbackUrl",
        "createdAt", "settledAt")) {
      assertEquals(settled.path(field), data.path(field), "the data is the transaction as the API shows it: " + field);
    }
  }

  @Test
  void aDebitWithoutFundsAnnouncesRejected() {
    String account = openAccount();
    HttpResponse<String> debit = api.postWithHeader("/v1/accounts/" + account + "/transactions",
        "{\"type\":\"debit\",\"amount\":500,\"currency\":\"USD\"}", "Idempotency-Key", "debit-no-funds");
    assertEquals(202, debit.statusCode(), debit.body());
    String id = TestApi.json(debit).path("id").asText();
    awaitStatus(id, "rejected");
    Await.until("payment.rejected reaches the endpoint", WAIT, () -> events(id).size() >= 2);
    assertEquals(List.of("payment.created", "payment.rejected"), events(id).stream().map(FakeSubscriber.Received::type).toList());
    assertEquals("insufficient_funds", events(id).get(1).envelope().path("data").path("reason").asText());
  }

  @Test
  void theProvidersWebhooksRacingThePollAnnounceOneFinalEvent() throws Exception {
    // The simulator sends no webhook of its own; the test sends several, in parallel, around the first poll's due time.
    provider.reconfigure(b -> b.shareNoWebhook = 1);
    try {
      List<String> ids = new ArrayList<>();
      String account = openAccount();
      for (int i = 0; i < 3; i++) {
        ids.add(TestApi.json(submit(account, "race-" + i, 10 + i)).path("id").asText());
      }
      Thread.sleep(800);
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        List<Future<Integer>> sent = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
          for (String id : ids) {
            sent.add(pool.submit(() -> sendProviderWebhook(id)));
          }
          Thread.sleep(100);
        }
        for (Future<Integer> answer : sent) {
          int status = answer.get();
          assertTrue(status == 200 || status == 202 || status == 204, "the provider webhook was taken: " + status);
        }
      }
      for (String id : ids) {
        awaitStatus(id, "succeeded");
      }
      Await.until("every payment.succeeded arrives", WAIT, () -> ids.stream().allMatch(id -> events(id).size() >= 2));
      Thread.sleep(1_500); // past the later polls a second settlement would have come from
      for (String id : ids) {
        assertEquals(List.of("payment.created", "payment.succeeded"), events(id).stream().map(FakeSubscriber.Received::type).toList(),
            "one final event for " + id);
      }
    } finally {
      provider.reconfigure(b -> b.shareNoWebhook = 0);
    }
  }

  // ---- helpers ----

  private static String providerWebhookUrl() {
    return "http://127.0.0.1:" + relaybox.httpPort() + "/webhooks/payments";
  }

  /** A signed {@code transaction.updated} as the provider sends it, each with its own webhook id. */
  private static int sendProviderWebhook(String id) throws Exception {
    ObjectNode event = JSON.createObjectNode().put("type", "transaction.updated");
    event.putObject("data").put("id", id).put("status", "succeeded");
    String body = JSON.writeValueAsString(event);
    String webhookId = "msg_" + UUID.randomUUID().toString().replace("-", "");
    long timestamp = Instant.now().getEpochSecond();
    String signature = new Webhook(WEBHOOK_SECRET).sign(webhookId, timestamp, body);
    HttpRequest request = HttpRequest.newBuilder(URI.create(providerWebhookUrl()))
        .header("Content-Type", "application/json")
        .header("webhook-id", webhookId)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  /**
   * The transaction's events as a receiver that dedupes by webhook-id (as the README asks) keeps them: delivery is at
   * least once, and a delivery whose record could not be written is sent again under the same webhook-id. A second
   * settlement would be a second event with its own webhook-id, which this still shows.
   */
  private static List<FakeSubscriber.Received> events(String transactionId) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    return subscribers.accepted(ENDPOINT).stream().filter(r -> r.key().equals(transactionId)).filter(r -> seen.add(r.webhookId()))
        .toList();
  }

  private static String secret() {
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  private static String openAccount() {
    HttpResponse<String> created = api.post("/v1/accounts", "{\"currency\":\"USD\"}");
    assertEquals(201, created.statusCode(), created.body());
    return TestApi.json(created).get("id").asText();
  }

  private static HttpResponse<String> submit(String account, String key, long amount) {
    HttpResponse<String> answer = api.postWithHeader("/v1/accounts/" + account + "/transactions",
        "{\"type\":\"credit\",\"amount\":" + amount + ",\"currency\":\"USD\",\"reference\":\"" + key + "\"}", "Idempotency-Key", key);
    assertEquals(202, answer.statusCode(), answer.body());
    return answer;
  }

  private static JsonNode awaitStatus(String id, String status) {
    JsonNode[] last = new JsonNode[1];
    Await.until("transaction " + id + " to be " + status, WAIT, () -> {
      last[0] = TestApi.json(api.get("/v1/transactions/" + id));
      return status.equals(last[0].path("status").asText());
    }, () -> String.valueOf(last[0]));
    return last[0];
  }
}
