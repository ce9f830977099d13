package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.adapters.commerce.simulator.CommerceSimulator;
import dev.relaybox.adapters.commerce.simulator.Knobs;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a retry with the same Idempotency-Key that finds the order still pending (its first request cut off while
 * the authorisation call was in flight) finishes it instead of replaying "pending", and the order is never abandoned
 * afterwards; a first request that fails after the retry finished the order does not free the key for a second one. The safety-net settle job runs after 15 s here (2 minutes by default) so "never abandoned" is observed
 * within the test, yet long after the retry: a settle job that ran first would cancel the pending order the retry is
 * meant to finish, and a loaded host can take a few seconds between the first request and the retry.
 */
class OrderRetryFinishesPendingEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static CommerceSimulator commerce;
  private static Relaybox relaybox;
  private static String databaseUrl;
  private static TestApi api;

  @BeforeAll
  static void start() {
    commerce = CommerceSimulator.start("127.0.0.1", 0, Knobs.defaults(), new SplittableRandom(17));
    Map<String, String> env = TestConfigs.freshDatabase();
    databaseUrl = env.get("DATABASE_URL");
    env.putAll(TestConfigs.commercePorts(commerce.baseUrl()));
    env.putAll(Map.of(
        "RELAYBOX_COMMERCE_TIMEOUT", "12s",
        "RELAYBOX_ORDER_SETTLE_AFTER", "15s",
        "RELAYBOX_HTTP_REQUEST_DEADLINE", "25s"));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) relaybox.close();
    if (commerce != null) commerce.close();
  }

  @Test
  void aRetryThatFindsTheOrderPendingFinishesItAsProcessingAndItIsNeverAbandoned() throws Exception {
    String key = UUID.randomUUID().toString();
    // the authoriser approves at once but answers only after 8 s (within the 12 s timeout): the first request sits with
    // its order pending while the test retries
    commerce.latency("authorizations", Duration.ofMillis(8_000));
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> place(key));
    Await.until("the first request stored its order as pending and asked for the authorisation", WAIT,
        () -> pendingOrders() == 1 && commerce.authorizations().stream().anyMatch(a -> a.customerId().equals("cus-resume")));
    commerce.knobs(Knobs.defaults());

    var retried = place(key);

    assertEquals(201, retried.statusCode(), retried.body());
    assertEquals("true", retried.headers().firstValue("Idempotent-Replayed").orElse(""));
    JsonNode order = TestApi.json(retried);
    assertEquals("processing", order.path("status").asText(), retried.body());
    String id = order.path("id").asText();

    var original = first.get();
    assertEquals(201, original.statusCode(), original.body());
    assertEquals(id, TestApi.json(original).path("id").asText());
    assertEquals("processing", TestApi.json(original).path("status").asText(), "the cut-off request's late answer agrees");

    Await.until("the settle job ran", WAIT, () -> unfinishedJobs("settle:" + id) == 0);
    JsonNode after = TestApi.json(api.get("/v1/orders/" + id));
    assertEquals("processing", after.path("order").path("status").asText(), after.toString());
    assertEquals(List.of("pending", "processing"), texts(after.path("history"), "to"));
    assertEquals(99, commerce.stockOf(sku("cus-resume")), "still reserved, once");
    assertFalse(commerce.authorizations().stream().filter(a -> a.orderId().equals(id)).anyMatch(a -> a.status().equals("voided")),
        "the approved authorisation is not voided");
    assertEquals(1, commerce.authorizations().stream().filter(a -> a.orderId().equals(id)).count());
  }

  @Test
  void aFirstRequestWhoseAuthorisationTimesOutAfterARetryFinishedTheOrderAnswersThatOrderAndKeepsTheKey() throws Exception {
    String key = UUID.randomUUID().toString();
    // approved at once, answered after 18 s: the first request's call times out (12 s) after the retry finished the
    // order, and before the settle job (15 s) could touch it
    CompletableFuture<HttpResponse<String>> first = firstRequestHeldUp("authorizations", key, "cus-late",
        "the first request asked for the authorisation",
        () -> commerce.authorizations().stream().anyMatch(a -> a.customerId().equals("cus-late")));
    var retried = place(key, "cus-late");
    assertEquals(201, retried.statusCode(), retried.body());
    String id = TestApi.json(retried).path("id").asText();

    var original = first.get();

    assertEquals(201, original.statusCode(), "not a 503 that would free the key: " + original.body());
    assertEquals("processing", TestApi.json(original).path("status").asText());
    var again = place(key, "cus-late");
    assertEquals(id, TestApi.json(again).path("id").asText(), "the key still names the one order");
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertEquals(1, count("SELECT count(*) FROM customer_order WHERE customer_id = 'cus-late'"));
  }

  @Test
  void aFirstRequestWhoseInventoryCallTimesOutAfterARetryFinishedTheOrderLeavesTheKeyWithThatOrder() throws Exception {
    String key = UUID.randomUUID().toString();
    // the reservation takes effect at once and is answered after 18 s: the first request times out (12 s) and answers
    // 503 after the retry, which finds the same reservation by order id, has finished the order
    CompletableFuture<HttpResponse<String>> first = firstRequestHeldUp("inventory", key, "cus-slow-stock",
        "the first request reserved the stock",
        () -> commerce.reservations().stream().anyMatch(r -> r.items().containsKey(sku("cus-slow-stock"))));
    var retried = place(key, "cus-slow-stock");
    assertEquals(201, retried.statusCode(), retried.body());
    assertEquals("processing", TestApi.json(retried).path("status").asText(), retried.body());
    String id = TestApi.json(retried).path("id").asText();

    assertEquals(503, first.get().statusCode(), first.get().body());

    // before: the 503 freed the key, and this retry placed a second order that went through beside the first
    var again = place(key, "cus-slow-stock");
    assertEquals(201, again.statusCode(), again.body());
    assertEquals(id, TestApi.json(again).path("id").asText(), "the key still names the order that went through");
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertEquals(1, count("SELECT count(*) FROM customer_order WHERE customer_id = 'cus-slow-stock'"));
  }

  /**
   * Places an order whose call to {@code service} takes effect at once and is answered only after 18 s, waits until
   * {@code started} shows the call was made, then takes the latency away for the requests that follow.
   */
  private static CompletableFuture<HttpResponse<String>> firstRequestHeldUp(String service, String key, String customer,
      String what, java.util.function.BooleanSupplier started) {
    commerce.latency(service, Duration.ofMillis(18_000));
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> place(key, customer));
    Await.until(what, WAIT, started);
    commerce.knobs(Knobs.defaults());
    return first;
  }

  private static HttpResponse<String> place(String key) {
    return place(key, "cus-resume");
  }

  private static HttpResponse<String> place(String key, String customer) {
    try {
      String body = TestApi.JSON.writeValueAsString(Map.of("customerId", customer, "storefront", "eu-web", "currency", "EUR",
          "items", List.of(Map.of("sku", sku(customer), "quantity", 1, "unitPrice", 1500)),
          "shippingAddress", Map.of("name", "Ada Lovelace", "line1", "1 Analytical Way", "city", "London", "postalCode", "N1 9GU",
              "country", "GB")));
      return api.postWithHeader("/v1/orders", body, "Idempotency-Key", key);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String sku(String customer) {
    return "SKU-" + customer.toUpperCase(java.util.Locale.ROOT);
  }

  private static long pendingOrders() {
    return count("SELECT count(*) FROM customer_order WHERE customer_id = 'cus-resume' AND status = 'pending'");
  }

  private static long unfinishedJobs(String dedupeKey) {
    try (Connection c = DriverManager.getConnection(databaseUrl);
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM job WHERE dedupe_key = ? AND state IN ('available', 'running')")) {
      s.setString(1, dedupeKey);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long count(String sql) {
    try (Connection c = DriverManager.getConnection(databaseUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }
}
