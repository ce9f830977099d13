package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.adapters.commerce.simulator.CommerceSimulator;
import dev.relaybox.adapters.commerce.simulator.Knobs;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Orders end to end: the real wiring and PostgreSQL, the commerce simulator on a loopback port as customers, inventory
 * and payment authoriser, and a subscriber on {@code order.*} that verifies every Standard Webhooks signature.
 */
class OrderEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static CommerceSimulator commerce;
  private static FakeSubscriber subscriber;
  private static Relaybox relaybox;
  private static String databaseUrl;
  private static TestApi api;
  private static TestApi admin;

  @BeforeAll
  static void start() throws Exception {
    commerce = CommerceSimulator.start("127.0.0.1", 0, Knobs.defaults(), new SplittableRandom(7));
    subscriber = new FakeSubscriber();
    Map<String, String> env = TestConfigs.freshDatabase();
    databaseUrl = env.get("DATABASE_URL");
    env.putAll(TestConfigs.commercePorts(commerce.baseUrl()));
    env.putAll(Map.of(
        "RELAYBOX_COMMERCE_TIMEOUT", "2s",
        "RELAYBOX_COMMERCE_BREAKER_DELAY", "200ms",
        // A placement that times out after its reservation under load leaves a pending order; its settle job gives
        // the stock back after this long. The default (2 min) outlasts the tests' one-minute waits for the stock.
        "RELAYBOX_ORDER_SETTLE_AFTER", "20s",
        "RELAYBOX_ALLOW_PRIVATE_URLS", "true"));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = api.withKey(TestConfigs.ADMIN_KEY);
    var created = admin.post("/admin/webhook-endpoints",
        "{\"url\":\"" + subscriber.url("orders") + "\",\"eventTypes\":[\"order.*\"],\"description\":\"every order event\"}");
    assertEquals(201, created.statusCode(), created.body());
    subscriber.secret("orders", TestApi.json(created).path("secret").asText());
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) relaybox.close();
    if (subscriber != null) subscriber.close();
    if (commerce != null) commerce.close();
  }

  @AfterEach
  void calmTheDependencies() {
    commerce.knobs(Knobs.defaults());
  }

  @Test
  void anApprovedOrderIsProcessingAtOnceAndItsCreationFansOut() throws Exception {
    var placed = placeRetrying(UUID.randomUUID().toString(), "cus-happy", "SKU-HAPPY", 2, 2999);
    assertEquals(201, placed.statusCode(), placed.body());
    JsonNode order = TestApi.json(placed);
    assertEquals("processing", order.path("status").asText());
    assertEquals(5998, order.path("amount").asLong());
    assertEquals("/v1/orders/" + order.path("id").asText(), placed.headers().firstValue("Location").orElseThrow());
    assertEquals(98, commerce.stockOf("SKU-HAPPY"), "two reserved");
    String id = order.path("id").asText();
    JsonNode withHistory = TestApi.json(api.get("/v1/orders/" + id));
    assertEquals(List.of("pending", "processing"), texts(withHistory.path("history"), "to"));
    Await.until("order.created reaches the subscriber", WAIT, () -> eventsFor(id).contains("order.created"));
    JsonNode envelope = subscriber.accepted("orders").stream().filter(r -> r.key().equals(id)).findFirst().orElseThrow().envelope();
    assertEquals(id, envelope.path("data").path("id").asText());
    // Consumers validate event data against the API's Order schema: every field present, an absent one as null.
    assertEquals(fieldNames(order), fieldNames(envelope.path("data")), "the event's data has every field of the API's order");
    assertEquals(fieldNames(order.path("shippingAddress")), fieldNames(envelope.path("data").path("shippingAddress")));
    assertTrue(envelope.path("data").path("shipment").isNull(), envelope.toString());
    // The answer, the event and a later read agree to the microsecond PostgreSQL keeps.
    assertEquals(withHistory.path("order").path("updatedAt").asText(), envelope.path("data").path("updatedAt").asText());
    assertEquals(withHistory.path("order").path("createdAt").asText(), order.path("createdAt").asText());
    assertNotNull(envelope.path("occurredAt").asText());
    assertEquals(envelope.path("id").asText(), subscriber.accepted("orders").stream().filter(r -> r.key().equals(id)).findFirst()
        .orElseThrow().webhookId(), "webhook-id is the event id");
    JsonNode listed = TestApi.json(api.get("/v1/orders?customerId=cus-happy&status=processing&limit=5"));
    assertEquals(id, listed.path("orders").get(0).path("id").asText());
  }

  @Test
  void theSameIdempotencyKeyReturnsTheFirstOrderAndADifferentBodyIsRefused() throws Exception {
    String key = UUID.randomUUID().toString();
    var first = placeRetrying(key, "cus-idem", "SKU-IDEM", 1, 100);
    var again = place(key, "cus-idem", "SKU-IDEM", 1, 100);
    assertEquals(201, again.statusCode());
    assertEquals(TestApi.json(first).path("id"), TestApi.json(again).path("id"));
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertEquals(99, commerce.stockOf("SKU-IDEM"), "reserved once");
    assertEquals(422, place(key, "cus-idem", "SKU-IDEM", 2, 100).statusCode());
  }

  @Test
  void tenConcurrentRequestsWithOneKeyPlaceOneOrderAndOnlyItsCreatorOmitsIdempotentReplayed() throws Exception {
    String key = UUID.randomUUID().toString();
    commerce.latency("authorizations", Duration.ofMillis(300)); // keeps the first request in flight while the others arrive
    List<HttpResponse<String>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> sent = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        sent.add(pool.submit(() -> {
          go.await();
          return place(key, "cus-burst", "SKU-BURST", 1, 700);
        }));
      }
      go.countDown();
      for (var f : sent) {
        answers.add(f.get());
      }
    }
    Set<String> ids = new java.util.HashSet<>();
    int fresh = 0;
    for (var r : answers) {
      assertEquals(201, r.statusCode(), r.body());
      assertEquals("processing", TestApi.json(r).path("status").asText(), r.body());
      ids.add(TestApi.json(r).path("id").asText());
      fresh += r.headers().firstValue("Idempotent-Replayed").isPresent() ? 0 : 1;
    }
    assertEquals(1, ids.size(), "one order");
    assertEquals(1, fresh, "only the request that created the order answers without Idempotent-Replayed");
    assertEquals(99, commerce.stockOf("SKU-BURST"), "reserved once");
    assertEquals(1, count("SELECT count(*) FROM customer_order WHERE customer_id = 'cus-burst'"));
  }

  @Test
  void metricsShowTheCommercePortsCircuitStatesAndCallOutcomes() throws Exception {
    assertEquals(201, placeRetrying(UUID.randomUUID().toString(), "cus-metrics", "SKU-METRICS", 1, 100).statusCode());
    String metrics = new TestApi(relaybox.httpPort(), null).get("/metrics").body();
    for (String port : List.of("customers", "inventory", "authorizations")) {
      for (String state : List.of("closed", "open", "half-open")) {
        assertTrue(metrics.contains("relaybox_commerce_circuit_state{port=\"" + port + "\",state=\"" + state + "\"}"),
            port + " " + state + " in\n" + metrics);
      }
    }
    for (String call : List.of("operation=\"exists\",outcome=\"ok\",port=\"customers\"",
        "operation=\"reserve\",outcome=\"ok\",port=\"inventory\"", "operation=\"authorize\",outcome=\"ok\",port=\"authorizations\"")) {
      assertTrue(metrics.contains("relaybox_commerce_calls_seconds_count{" + call + "}"), call + " in\n" + metrics);
    }
  }

  @Test
  void aDeclinedAuthorisationCancelsTheOrderAndReleasesTheReservation() throws Exception {
    commerce.knobs(new Knobs(100, Map.of(), 1.0, Map.of(), Map.of(), Set.of()));
    var placed = placeRetrying(UUID.randomUUID().toString(), "cus-declined", "SKU-DECLINED", 3, 500);
    assertEquals(201, placed.statusCode(), placed.body());
    JsonNode order = TestApi.json(placed);
    assertEquals("canceled", order.path("status").asText());
    assertEquals("payment_declined", order.path("cancelReason").asText());
    String id = order.path("id").asText();
    Await.until("the reservation is released", WAIT, () -> !liveReservation(id) && commerce.stockOf("SKU-DECLINED") == 100);
    Await.until("order.cancelled reaches the subscriber", WAIT, () -> eventsFor(id).equals(List.of("order.cancelled")));
  }

  @Test
  void outOfStockAnswers409NamingTheSkusAndStoresNothing() throws Exception {
    commerce.knobs(new Knobs(100, Map.of("SKU-GONE", 1), 0, Map.of(), Map.of(), Set.of()));
    long before = count("SELECT count(*) FROM customer_order");
    var r = api.postWithHeader("/v1/orders", body("cus-stock", List.of(item("SKU-THERE", 1, 100), item("SKU-GONE", 2, 100))),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertEquals(409, r.statusCode(), r.body());
    JsonNode problem = TestApi.json(r);
    assertEquals("items[1].sku", problem.path("errors").get(0).path("field").asText());
    assertTrue(problem.path("detail").asText().contains("SKU-GONE"));
    assertEquals(before, count("SELECT count(*) FROM customer_order"), "nothing stored");
    assertEquals(100, commerce.stockOf("SKU-THERE"));
  }

  @Test
  void anUnknownCustomerIs422() {
    commerce.knobs(new Knobs(100, Map.of(), 0, Map.of(), Map.of(), Set.of("cus-nobody")));
    var r = place(UUID.randomUUID().toString(), "cus-nobody", "SKU-X", 1, 100);
    assertEquals(422, r.statusCode(), r.body());
    assertEquals("customerId", TestApi.json(r).path("errors").get(0).path("field").asText());
  }

  @Test
  void theAdminLookupFindsAnOrderByIdWithItsHistoryAndItsCompensationJob() throws Exception {
    commerce.knobs(new Knobs(100, Map.of(), 1.0, Map.of(), Map.of(), Set.of()));
    String id = TestApi.json(placeRetrying(UUID.randomUUID().toString(), "cus-lookup", "SKU-LOOKUP", 1, 700)).path("id").asText();
    Await.until("the compensation job ran", WAIT, () -> !liveReservation(id));

    var found = admin.get("/admin/lookup/" + id);
    assertEquals(200, found.statusCode(), found.body());
    JsonNode lookup = TestApi.json(found);
    assertEquals("order", lookup.path("kind").asText(), lookup.toString());
    assertEquals(id, lookup.path("record").path("order").path("id").asText());
    assertEquals("canceled", lookup.path("record").path("order").path("status").asText());
    assertEquals(List.of("pending", "canceled"), texts(lookup.path("record").path("history"), "to"));
    List<String> subscriptions = new ArrayList<>();
    lookup.path("jobs").forEach(j -> subscriptions.add(j.path("job").path("subscription").asText()));
    assertTrue(subscriptions.contains("order.compensation"), "the order's compensation job is listed: " + subscriptions);
    assertEquals(401, api.get("/admin/lookup/" + id).statusCode(), "the /v1 key is not an admin key");
  }

  @Test
  void anInventoryTimeoutAnswers503AndLeavesNoReservation() throws Exception {
    commerce.latency("inventory", Duration.ofMillis(4_000));
    String key = UUID.randomUUID().toString();
    var r = place(key, "cus-slow-stock", "SKU-SLOW", 4, 100);
    assertEquals(503, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Retry-After").isPresent());
    assertFalse(r.body().contains("Exception"), r.body());
    assertEquals(96, commerce.stockOf("SKU-SLOW"), "the slow inventory did reserve");
    commerce.knobs(Knobs.defaults());
    Await.until("the compensation releases the reservation", WAIT, () -> commerce.stockOf("SKU-SLOW") == 100);
    assertTrue(commerce.reservations().stream().filter(x -> x.items().containsKey("SKU-SLOW")).allMatch(x -> x.released()));
    assertEquals(0, count("SELECT count(*) FROM customer_order WHERE customer_id = 'cus-slow-stock'"));
    var retried = placeRetrying(key, "cus-slow-stock", "SKU-SLOW", 4, 100);
    assertEquals(201, retried.statusCode(), "the key was freed for the retry: " + retried.body());
  }

  @Test
  void anAuthorisationWithUnknownOutcomeIsVoidedByTheRetriedJob() {
    commerce.latency("authorizations", Duration.ofMillis(4_000));
    var r = place(UUID.randomUUID().toString(), "cus-slow-pay", "SKU-SLOWPAY", 1, 4200);
    assertEquals(503, r.statusCode(), r.body());
    Await.until("the slow authoriser approved it anyway", WAIT,
        () -> commerce.authorizations().stream().anyMatch(a -> a.customerId().equals("cus-slow-pay")));
    commerce.knobs(Knobs.defaults());
    Await.until("the compensation voids the authorisation", WAIT,
        () -> commerce.authorizations().stream().filter(a -> a.customerId().equals("cus-slow-pay")).allMatch(a -> a.status().equals("voided")));
    Await.until("and releases the stock", WAIT, () -> commerce.stockOf("SKU-SLOWPAY") == 100);
    JsonNode listed = TestApi.json(api.get("/v1/orders?customerId=cus-slow-pay"));
    assertEquals("canceled", listed.path("orders").get(0).path("status").asText());
    assertEquals("payment_unavailable", listed.path("orders").get(0).path("cancelReason").asText());
  }

  @Test
  void shipThenDeliverAndCancellingAShippedOrderIs409() throws Exception {
    String id = TestApi.json(placeRetrying(UUID.randomUUID().toString(), "cus-ship", "SKU-SHIP", 1, 100)).path("id").asText();
    assertEquals(409, api.post("/v1/orders/" + id + "/delivery", "{}").statusCode(), "not shipped yet");
    var shipped = api.post("/v1/orders/" + id + "/shipments", "{\"carrier\":\"DHL\",\"trackingNumber\":\"JD01\"}");
    assertEquals(200, shipped.statusCode(), shipped.body());
    assertEquals("DHL", TestApi.json(shipped).path("shipment").path("carrier").asText());
    assertEquals(409, api.post("/v1/orders/" + id + "/cancel", "{}").statusCode());
    assertEquals("delivered", TestApi.json(api.post("/v1/orders/" + id + "/delivery", "{}")).path("status").asText());
    Await.until("created, shipped, delivered in order", WAIT,
        () -> eventsFor(id).equals(List.of("order.created", "order.shipped", "order.delivered")));
  }

  @Test
  void concurrentShipAndCancelHaveExactlyOneWinnerAHundredTimes() throws Exception {
    int orders = 100;
    Await.until("the dependencies' circuits are closed again after the tests that broke them", WAIT,
        () -> place(UUID.randomUUID().toString(), "cus-warm-up", "SKU-WARM", 1, 100).statusCode() == 201);
    // Stock to spare: under load a placement can time out after its reservation and be retried while the
    // compensation has not yet released the first one; this test is about ship versus cancel, not about stock.
    int stock = 10 * orders;
    commerce.knobs(new Knobs(100, Map.of("SKU-RACE", stock), 0, Map.of(), Map.of(), Set.of()));
    List<String> ids = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<HttpResponse<String>>> placing = new ArrayList<>();
      for (int i = 0; i < orders; i++) {
        placing.add(pool.submit(() -> placeRetrying(UUID.randomUUID().toString(), "cus-race", "SKU-RACE", 1, 100)));
      }
      for (var f : placing) {
        var r = f.get();
        assertEquals(201, r.statusCode(), r.body());
        ids.add(TestApi.json(r).path("id").asText());
      }
    }
    int shippedWins = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String id : ids) {
        CountDownLatch go = new CountDownLatch(1);
        // Either side may meet a busy pool (503 with Retry-After, nothing done) under the hundred pairs; each sends
        // again as a client does, so the verdict is on the transition, not on which request found a connection.
        Future<HttpResponse<String>> ship = pool.submit(() -> {
          go.await();
          return postRetrying("/v1/orders/" + id + "/shipments", "{\"carrier\":\"UPS\",\"trackingNumber\":\"1Z\"}");
        });
        Future<HttpResponse<String>> cancel = pool.submit(() -> {
          go.await();
          return postRetrying("/v1/orders/" + id + "/cancel", "{}");
        });
        go.countDown();
        int s = ship.get().statusCode();
        int c = cancel.get().statusCode();
        assertTrue((s == 200 && c == 409) || (s == 409 && c == 200), "order " + id + ": ship " + s + ", cancel " + c);
        String status = TestApi.json(getRetrying("/v1/orders/" + id)).path("order").path("status").asText();
        assertEquals(s == 200 ? "shipped" : "canceled", status);
        shippedWins += s == 200 ? 1 : 0;
      }
    }
    Await.until("every order's events reach the subscriber", WAIT, () -> ids.stream().allMatch(id -> eventsFor(id).size() >= 2));
    Thread.sleep(500);
    for (String id : ids) {
      String status = TestApi.json(api.get("/v1/orders/" + id)).path("order").path("status").asText();
      assertEquals(List.of("order.created", status.equals("shipped") ? "order.shipped" : "order.cancelled"), distinctEventsFor(id),
          "events of " + id + " agree with its final state " + status);
    }
    int cancelled = orders - shippedWins;
    int stillReserved = shippedWins;
    Await.until("every cancelled order's stock is back", WAIT, () -> commerce.stockOf("SKU-RACE") == stock - stillReserved);
    assertEquals(0, subscriber.badSignatures());
    System.out.printf("ship vs cancel: %d shipped, %d cancelled%n", shippedWins, cancelled);
  }

  @Test
  void badInputGetsA4xxProblemAndStoresNothing() throws Exception {
    long before = count("SELECT count(*) FROM customer_order");
    long keys = count("SELECT count(*) FROM order_idempotency_key");
    String good = body("cus-bad", List.of(item("SKU-1", 1, 100)));
    assertEquals(422, api.post("/v1/orders", good).statusCode(), "Idempotency-Key is required");
    for (String bad : List.of(
        "{}",
        "{\"customerId\":\"c\",\"storefront\":\"s\",\"currency\":\"XXQ\",\"items\":[],\"shippingAddress\":{}}",
        body("cus-bad", List.of(item("SKU-1", 0, 100))),
        body("cus-bad", List.of(item("SKU-1", 1, -5))),
        body("cus-bad", List.of(item("bad sku!", 1, 100))),
        good.replace("\"GB\"", "\"XX\""),
        good.replace("\"EUR\"", "\"eur\""),
        good.replace("\"quantity\":1", "\"quantity\":\"one\""),
        good.replace("\"quantity\":1", "\"quantity\":1.5"),
        good.replace("Ada Lovelace", "Ada\\u0007Lovelace"),
        good.replace("1 Analytical Way", "1 Analytical\\nWay"),
        good.replace("N1 9GU", "\u202EUG9 1N"))) {
      var r = api.postWithHeader("/v1/orders", bad, "Idempotency-Key", UUID.randomUUID().toString());
      assertEquals(422, r.statusCode(), bad + " -> " + r.body());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }
    JsonNode many = TestApi.json(api.postWithHeader("/v1/orders", "{\"currency\":\"EUR\"}", "Idempotency-Key", "k-" + UUID.randomUUID()));
    Set<String> fields = new java.util.HashSet<>(texts(many.path("errors"), "field"));
    assertTrue(fields.containsAll(Set.of("customerId", "storefront", "items", "shippingAddress")), fields.toString());
    assertEquals(400, api.postWithHeader("/v1/orders", "{not json", "Idempotency-Key", "k1").statusCode());
    assertEquals(415, api.post("/v1/orders", "text/plain", "x".getBytes()).statusCode());
    assertEquals(404, api.get("/v1/orders/not-a-uuid").statusCode());
    assertEquals(404, api.get("/v1/orders/" + UUID.randomUUID()).statusCode());
    assertEquals(404, api.post("/v1/orders/" + UUID.randomUUID() + "/cancel", "{}").statusCode());
    assertEquals(400, api.get("/v1/orders?status=lost").statusCode());
    assertEquals(400, api.get("/v1/orders?limit=0").statusCode());
    assertEquals(400, api.get("/v1/orders?cursor=zzz").statusCode());
    String id = TestApi.json(placeRetrying(UUID.randomUUID().toString(), "cus-bad-ship", "SKU-BS", 1, 100)).path("id").asText();
    assertEquals(422, api.post("/v1/orders/" + id + "/shipments", "{\"carrier\":\"\"}").statusCode());
    assertEquals(401, new TestApi(relaybox.httpPort(), null).get("/v1/orders").statusCode());
    assertEquals(before + 1, count("SELECT count(*) FROM customer_order"), "only the one good order");
    assertEquals(keys + 1, count("SELECT count(*) FROM order_idempotency_key"));
  }

  // ---- helpers ----

  /** What a client is told to do with a 503: wait Retry-After and send the same request with the same key. */
  static HttpResponse<String> placeRetrying(String key, String customer, String sku, int quantity, long unitPrice) {
    return TestApi.resendingOn503(20, () -> place(key, customer, sku, quantity, unitPrice));
  }


  /** A read under this test's load may meet a busy pool (503 with Retry-After); a client reads again, as here. */
  static HttpResponse<String> getRetrying(String path) {
    return TestApi.resendingOn503(20, () -> api.get(path));
  }


  /** A ship or cancel that met a busy pool (503 with Retry-After) changed nothing; a client sends it again. */
  static HttpResponse<String> postRetrying(String path, String json) {
    return TestApi.resendingOn503(20, () -> api.post(path, json));
  }


  private static HttpResponse<String> place(String key, String customer, String sku, int quantity, long unitPrice) {
    return api.postWithHeader("/v1/orders", body(customer, List.of(item(sku, quantity, unitPrice))), "Idempotency-Key", key);
  }

  private static Map<String, Object> item(String sku, int quantity, long unitPrice) {
    return Map.of("sku", sku, "quantity", quantity, "unitPrice", unitPrice);
  }

  private static String body(String customer, List<Map<String, Object>> items) {
    try {
      return TestApi.JSON.writeValueAsString(Map.of("customerId", customer, "storefront", "eu-web", "currency", "EUR", "items", items,
          "shippingAddress", Map.of("name", "Ada Lovelace", "line1", "1 Analytical Way", "city", "London", "postalCode", "N1 9GU",
              "country", "GB")));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> eventsFor(String orderId) {
    return subscriber.accepted("orders").stream().filter(r -> r.key().equals(orderId)).map(FakeSubscriber.Received::type).toList();
  }

  /**
   * The events a subscriber that dedupes by webhook-id (as the README asks) sees: delivery is at least once, and a
   * delivery whose record could not be written (the pool busy under this test's hundred concurrent pairs) is sent
   * again under the same webhook-id.
   */
  /** Sorted: event data is stored as jsonb, which keeps no key order. */
  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names.stream().sorted().toList();
  }

  private static List<String> distinctEventsFor(String orderId) {
    Set<String> seen = new HashSet<>();
    return subscriber.accepted("orders").stream().filter(r -> r.key().equals(orderId)).filter(r -> seen.add(r.webhookId()))
        .map(FakeSubscriber.Received::type).toList();
  }

  private static boolean liveReservation(String orderId) {
    return commerce.reservations().stream().anyMatch(r -> r.orderId().equals(orderId) && !r.released());
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  private static long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(databaseUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
