package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhook endpoints end to end: event-type filters, a copy per endpoint, an endpoint down for a simulated day (the
 * retry schedule scaled by {@code RELAYBOX_BACKEND_RETRY_SCALE}), 410 and re-enabling, replay, and bad input. Every
 * delivery is verified with the standardwebhooks library by {@link FakeSubscriber}.
 */
class WebhookSubscriptionsEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** One simulated day is 86,400 s x 0.0002 = 17.3 s; the whole Standard Webhooks schedule (27.5 h) is 19.8 s. */
  private static final double SCALE = 0.0002;

  private static CommerceSimulator commerce;
  private static FakeSubscriber subscribers;
  private static Relaybox relaybox;
  private static String databaseUrl;
  private static TestApi api;
  private static TestApi admin;

  @BeforeAll
  static void start() throws Exception {
    commerce = CommerceSimulator.start("127.0.0.1", 0, Knobs.defaults(), new SplittableRandom(11));
    subscribers = new FakeSubscriber();
    Map<String, String> env = TestConfigs.freshDatabase();
    databaseUrl = env.get("DATABASE_URL");
    env.putAll(TestConfigs.commercePorts(commerce.baseUrl()));
    env.putAll(Map.of(
        "RELAYBOX_BACKEND_RETRY_SCALE", Double.toString(SCALE),
        "RELAYBOX_ALLOW_PRIVATE_URLS", "true"));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = api.withKey(TestConfigs.ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) relaybox.close();
    if (subscribers != null) subscribers.close();
    if (commerce != null) commerce.close();
  }

  @Test
  void eachEndpointGetsItsOwnCopyOfTheEventTypesItAskedFor() {
    String shipping = "shipping-" + UUID.randomUUID();
    String allOrders = "orders-" + UUID.randomUUID();
    String audit = "audit-" + UUID.randomUUID();
    subscribe(shipping, "order.shipped");
    subscribe(allOrders, "order.*");
    subscribe(audit, "*");
    String shippedOrder = placeOrder("cus-filter");
    ship(shippedOrder);
    String cancelledOrder = placeOrder("cus-filter");
    assertEquals(200, api.post("/v1/orders/" + cancelledOrder + "/cancel", "{}").statusCode());

    List<String> expected = List.of("order.created", "order.shipped", "order.created", "order.cancelled");
    Await.until("order.* and * get all four", WAIT,
        () -> types(allOrders, shippedOrder, cancelledOrder).size() == 4 && types(audit, shippedOrder, cancelledOrder).size() == 4);
    Await.until("the shipping endpoint gets its shipment", WAIT, () -> !subscribers.accepted(shipping).isEmpty());
    sleep(500);
    assertEquals(List.of("order.shipped"), types(shipping, shippedOrder, cancelledOrder), "order.shipped only");
    assertEquals(new HashSet<>(expected), new HashSet<>(types(allOrders, shippedOrder, cancelledOrder)));
    assertEquals(types(allOrders, shippedOrder, cancelledOrder).size(), types(audit, shippedOrder, cancelledOrder).size(),
        "each endpoint its own copy");
    assertEquals(0, subscribers.badSignatures());
    JsonNode envelope = subscribers.accepted(shipping).getFirst().envelope();
    for (String field : List.of("id", "type", "occurredAt", "key", "correlationId", "data")) {
      assertTrue(envelope.has(field), "the envelope has " + field + ": " + envelope);
    }
    assertEquals(shippedOrder, envelope.path("key").asText());
    assertEquals("shipped", envelope.path("data").path("status").asText());
  }

  @Test
  void everyDeliveryCarriesTheThreeStandardWebhooksHeaders() {
    String name = "headers-" + UUID.randomUUID();
    subscribe(name, "order.created");
    String order = placeOrder("cus-headers");
    Await.until("order.created arrives", WAIT, () -> !types(name, order).isEmpty());
    FakeSubscriber.Received received = subscribers.accepted(name).getFirst();
    assertEquals(received.envelope().path("id").asText(), received.header("webhook-id"), "webhook-id is the event id");
    long sentAt = Long.parseLong(received.header("webhook-timestamp"));
    assertTrue(Math.abs(Instant.now().getEpochSecond() - sentAt) < 300, "webhook-timestamp is the send time in seconds: " + sentAt);
    assertTrue(received.header("webhook-signature").startsWith("v1,"), "webhook-signature: " + received.header("webhook-signature"));
    assertEquals(0, subscribers.badSignatures(), "verified with the standardwebhooks library");
  }

  @Test
  void rotatingTheSecretSignsWithBothForADaySoReceiversSwitchWithoutRefusingADelivery() {
    String name = "rotated-" + UUID.randomUUID();
    String id = subscribe(name, "order.created");
    var rotation = admin.post("/admin/webhook-endpoints/" + id + "/secret/rotate", "{}");
    assertEquals(200, rotation.statusCode(), rotation.body());
    JsonNode rotated = TestApi.json(rotation);
    String newSecret = rotated.path("secret").asText();
    assertTrue(newSecret.startsWith("whsec_"), rotated.toString());
    Instant graceEnds = Instant.parse(rotated.path("previousSecretValidUntil").asText());
    assertTrue(Math.abs(Duration.between(Instant.now().plus(Duration.ofHours(24)), graceEnds).toMinutes()) < 5, "a day: " + graceEnds);
    assertFalse(TestApi.json(admin.get("/admin/webhook-endpoints/" + id)).has("secret"), "the new secret is shown once too");

    String first = placeOrder("cus-rotate"); // the receiver still holds the old secret
    Await.until("the old secret still verifies", WAIT, () -> !types(name, first).isEmpty());
    FakeSubscriber.Received received = subscribers.accepted(name).getFirst();
    assertEquals(2, received.header("webhook-signature").split(" ").length, "two signatures: " + received.header("webhook-signature"));
    subscribers.secret(name, newSecret);
    String second = placeOrder("cus-rotate");
    Await.until("the new secret verifies", WAIT, () -> !types(name, second).isEmpty());
    assertEquals(0, subscribers.badSignatures());
    assertEquals(404, admin.post("/admin/webhook-endpoints/" + UUID.randomUUID() + "/secret/rotate", "{}").statusCode());
  }

  @Test
  void aDisabledEndpointKeepsItsEventsAndEnablingDeliversTheBacklogInOrderPerOrder() throws Exception {
    String name = "paused-" + UUID.randomUUID();
    String id = subscribe(name, "order.*");
    var disabled = admin.patch("/admin/webhook-endpoints/" + id, "{\"enabled\":false}");
    assertEquals(200, disabled.statusCode(), disabled.body());
    assertEquals("disabled by an operator", TestApi.json(disabled).path("disabledReason").asText());
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String order = placeOrder("cus-paused");
      ship(order);
      assertEquals(200, api.post("/v1/orders/" + order + "/delivery", "{}").statusCode());
      orders.add(order);
    }
    Await.until("the nine deliveries wait for the endpoint", WAIT,
        () -> TestApi.json(admin.get("/admin/webhook-endpoints/" + id)).path("health").path("waiting").asLong() == 9);
    assertTrue(subscribers.accepted(name).isEmpty(), "nothing is sent while disabled");
    assertEquals(0, count("SELECT count(*) FROM job WHERE subscription = 'webhooks.delivery' AND state = 'dead'"), "waiting, not dead");

    assertEquals(200, admin.patch("/admin/webhook-endpoints/" + id, "{\"enabled\":true}").statusCode());
    Await.until("the backlog arrives", WAIT, () -> distinct(subscribers.accepted(name)).size() >= 9);
    sleep(500);
    // Delivery is at least once; a receiver dedupes by webhook-id (as the README asks) and then sees each event once.
    List<FakeSubscriber.Received> received = distinct(subscribers.accepted(name));
    assertEquals(9, received.size(), "each event once per webhook-id");
    for (String order : orders) {
      assertEquals(List.of("order.created", "order.shipped", "order.delivered"),
          received.stream().filter(r -> r.key().equals(order)).map(FakeSubscriber.Received::type).toList(), "in order for " + order);
    }
  }

  @Test
  void aPatchWithBadEventTypesOrARefusedUrlIs422AndChangesNothing() {
    String name = "patched-" + UUID.randomUUID();
    String id = subscribe(name, "order.*");
    String before = TestApi.json(admin.get("/admin/webhook-endpoints/" + id)).path("url").asText();
    for (String bad : List.of(
        "{\"eventTypes\":\"order.*\"}",
        "{\"eventTypes\":[]}",
        "{\"eventTypes\":[null]}",
        "{\"eventTypes\":[\"order.**\"]}",
        "{\"eventTypes\":[\"Order Shipped!\"]}",
        "{\"eventTypes\":[{\"type\":\"order.*\"}]}",
        "{\"url\":\"ftp://example.com/x\"}",
        "{\"url\":\"http://user:pw@example.com/x\"}",
        "{\"url\":\"http://no-such-host.invalid/x\"}",
        "{\"url\":\"\"}",
        "{\"url\":\"" + subscribers.url(name) + "\",\"eventTypes\":[\"*\",\"no spaces\"]}")) {
      var r = admin.patch("/admin/webhook-endpoints/" + id, bad);
      assertEquals(422, r.statusCode(), bad + " -> " + r.body());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), bad);
      assertFalse(r.body().contains("Exception"), r.body());
    }
    JsonNode after = TestApi.json(admin.get("/admin/webhook-endpoints/" + id));
    assertEquals(before, after.path("url").asText(), "the URL is unchanged");
    assertEquals("[\"order.*\"]", after.path("eventTypes").toString(), "the filters are unchanged");
  }

  @Test
  void eventTypesThatMatchNothingRelayboxEmitsAreRefusedOnCreateAndPatch() throws Exception {
    String good = subscribers.url("catalogue-" + UUID.randomUUID());
    long before = count("SELECT count(*) FROM outbound_endpoint");
    for (String unknown : List.of("order.shiped", "nonsense.type", "data", "nonsense.*", "order.shipped.*", "payments.*")) {
      var r = admin.post("/admin/webhook-endpoints", "{\"url\":\"" + good + "\",\"eventTypes\":[\"order.*\",\"" + unknown + "\"]}");
      assertEquals(422, r.statusCode(), unknown + " -> " + r.body());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.body());
      assertTrue(r.body().contains("eventTypes[1]") && r.body().contains(unknown), "names the field and the pattern: " + r.body());
      assertTrue(r.body().contains("payment.succeeded"), "lists what exists: " + r.body());
    }
    assertEquals(before, count("SELECT count(*) FROM outbound_endpoint"), "nothing stored");

    String id = subscribe("catalogue-patch-" + UUID.randomUUID(), "order.*");
    var patched = admin.patch("/admin/webhook-endpoints/" + id, "{\"eventTypes\":[\"order.shiped\"]}");
    assertEquals(422, patched.statusCode(), patched.body());
    assertTrue(patched.body().contains("eventTypes[0]"), patched.body());
    assertEquals("[\"order.*\"]", TestApi.json(admin.get("/admin/webhook-endpoints/" + id)).path("eventTypes").toString());

    for (String known : List.of("*", "payment.*", "payment.rejected", "store.*", "assistance.requested", "purchase.refunded",
        "order.cancelled")) {
      var r = admin.patch("/admin/webhook-endpoints/" + id, "{\"eventTypes\":[\"" + known + "\"]}");
      assertEquals(200, r.statusCode(), known + " -> " + r.body());
    }
  }

  @Test
  void anEndpointStoredWithAnUnknownPatternStillReadsAndCanBeFixed() throws Exception {
    String id = subscribe("legacy-" + UUID.randomUUID(), "order.*");
    try (Connection c = DriverManager.getConnection(databaseUrl);
        var update = c.prepareStatement("UPDATE outbound_endpoint SET event_types = '[\"order.shiped\"]'::jsonb WHERE id = ?::uuid")) {
      update.setString(1, id);
      assertEquals(1, update.executeUpdate());
    }
    var read = admin.get("/admin/webhook-endpoints/" + id);
    assertEquals(200, read.statusCode(), read.body());
    assertEquals("[\"order.shiped\"]", TestApi.json(read).path("eventTypes").toString());
    assertEquals(200, admin.get("/admin/webhook-endpoints").statusCode());
    var fixed = admin.patch("/admin/webhook-endpoints/" + id, "{\"eventTypes\":[\"order.shipped\"]}");
    assertEquals(200, fixed.statusCode(), fixed.body());
    assertEquals("[\"order.shipped\"]", TestApi.json(fixed).path("eventTypes").toString());
  }

  @Test
  void anEndpointDownForADayGetsEveryEventOncePerWebhookIdInOrderPerOrder() throws Exception {
    String name = "down-" + UUID.randomUUID();
    String id = subscribe(name, "order.*");
    // Down for a day as the sender sees it: the Standard Webhooks schedule (at once, then 5 s, 5 min, 30 min, 2 h, 5 h,
    // 10 h, 10 h) makes its seventh attempt 17.6 h after the first, its eighth and last 27.6 h after. The endpoint
    // answers again once the first event's seventh attempt was refused, so only the last attempt can get it through;
    // counted in attempts rather than in scaled wall-clock time, which a loaded host stretches.
    subscribers.refuseUntilTheFirstEventWasRefused(name, 503, 7);
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String order = placeOrder("cus-outage");
      ship(order);
      assertEquals(200, api.post("/v1/orders/" + order + "/delivery", "{}").statusCode());
      orders.add(order);
    }
    Await.until("all 15 events arrive once the endpoint is back", WAIT, () -> distinct(subscribers.accepted(name)).size() >= 15,
        () -> distinct(subscribers.accepted(name)).size() + " arrived; refusals " + subscribers.refusals(name));
    Map<String, Integer> refusals = subscribers.refusals(name);
    assertEquals(7, refusals.values().iterator().next(), "the first event was refused for a day: " + refusals);
    assertTrue(subscribers.accepted(name).stream().map(FakeSubscriber.Received::webhookId).anyMatch(refusals.keySet().iterator().next()::equals),
        "and got through on its last attempt");
    // At least once: a delivery whose record could not be written is sent again under its webhook-id, which receivers
    // dedupe by (as the README asks); what they then see is each event once, in order per order.
    List<FakeSubscriber.Received> received = distinct(subscribers.accepted(name));
    assertEquals(15, received.size(), "each event once per webhook-id");
    for (String order : orders) {
      assertEquals(List.of("order.created", "order.shipped", "order.delivered"),
          received.stream().filter(r -> r.key().equals(order)).map(FakeSubscriber.Received::type).toList(), "in order for " + order);
    }
    JsonNode endpoint = TestApi.json(admin.get("/admin/webhook-endpoints/" + id));
    assertTrue(endpoint.path("enabled").asBoolean(), "a day is within the schedule: " + endpoint);
    assertTrue(endpoint.path("health").path("failuresLastDay").asInt() > 0);
    JsonNode failed = TestApi.json(admin.get("/admin/webhook-endpoints/" + id + "/deliveries?failed=true&limit=500")).path("deliveries");
    assertTrue(failed.size() >= 7, "the first event's seven refusals are listed: " + failed.size());
    failed.forEach(f -> assertEquals(503, f.path("status").asInt()));
    assertEquals(0, subscribers.badSignatures());
  }

  @Test
  void a410DisablesTheEndpointNothingDiesAndEnablingDeliversTheBacklog() throws Exception {
    String name = "gone-" + UUID.randomUUID();
    String id = subscribe(name, "order.created");
    subscribers.answer(name, 410);
    String first = placeOrder("cus-gone");
    Await.until("the endpoint is disabled", WAIT,
        () -> !TestApi.json(admin.get("/admin/webhook-endpoints/" + id)).path("enabled").asBoolean());
    JsonNode disabled = TestApi.json(admin.get("/admin/webhook-endpoints/" + id));
    assertTrue(disabled.path("disabledReason").asText().contains("410"), disabled.toString());
    subscribers.answer(name, 200);
    String second = placeOrder("cus-gone");
    sleep(1_500);
    assertTrue(subscribers.accepted(name).isEmpty(), "nothing is sent while disabled");
    assertEquals(0, count("SELECT count(*) FROM job WHERE subscription = 'webhooks.delivery' AND state = 'dead'"), "waiting, not dead");
    var enabled = admin.patch("/admin/webhook-endpoints/" + id, "{\"enabled\":true}");
    assertEquals(200, enabled.statusCode(), enabled.body());
    Await.until("the backlog arrives", WAIT, () -> subscribers.accepted(name).size() >= 2);
    assertEquals(Set.of(first, second), Set.copyOf(subscribers.accepted(name).stream().map(FakeSubscriber.Received::key).toList()));
  }

  @Test
  void replayRedeliversMatchingEventsSinceATimeWithTheirWebhookIds() {
    Instant since = Instant.now().minusSeconds(1);
    String name = "replay-" + UUID.randomUUID();
    String id = subscribe(name, "order.shipped");
    String order = placeOrder("cus-replay");
    ship(order);
    Await.until("the shipment arrives", WAIT, () -> subscribers.accepted(name).size() == 1);
    awaitNothingPendingFor(id);
    var replay = admin.post("/admin/webhook-endpoints/" + id + "/replay", "{\"since\":\"" + since + "\"}");
    assertEquals(202, replay.statusCode(), replay.body());
    assertTrue(TestApi.json(replay).path("queued").asInt() >= 1);
    Await.until("the replayed shipment arrives", WAIT, () -> subscribers.accepted(name).stream().filter(r -> r.key().equals(order)).count() == 2);
    List<FakeSubscriber.Received> both = subscribers.accepted(name).stream().filter(r -> r.key().equals(order)).toList();
    assertEquals(both.get(0).webhookId(), both.get(1).webhookId(), "a replay keeps the webhook-id so receivers can dedupe");
    JsonNode deliveries = TestApi.json(admin.get("/admin/webhook-endpoints/" + id + "/deliveries")).path("deliveries");
    assertTrue(deliveries.size() >= 2);
    assertEquals(200, deliveries.get(0).path("status").asInt());
    assertTrue(deliveries.get(0).has("latencyMs"));
  }

  @Test
  void aReplayStartsTheRetryScheduleAfreshForTheEventsItQueues() {
    Instant since = Instant.now().minusSeconds(1);
    String name = "replay-fresh-" + UUID.randomUUID();
    String id = subscribe(name, "order.shipped");
    subscribers.refuseUntilTheFirstEventWasRefused(name, 503, 4);
    String order = placeOrder("cus-replay-fresh");
    ship(order);
    Await.until("the shipment arrives after four refusals", WAIT, () -> subscribers.accepted(name).size() == 1);
    awaitNothingPendingFor(id);

    subscribers.answer(name, 503);
    var replay = admin.post("/admin/webhook-endpoints/" + id + "/replay", "{\"since\":\"" + since + "\"}");
    assertEquals(202, replay.statusCode(), replay.body());
    Await.until("the replayed shipment is refused", WAIT, () -> failedAttempts(id).size() >= 5);
    subscribers.answer(name, 200);

    List<JsonNode> failed = failedAttempts(id);
    assertEquals(List.of(1, 2, 3, 4), failed.subList(0, 4).stream().map(a -> a.path("attempt").asInt()).toList(),
        "the first round: " + failed);
    assertEquals(1, failed.get(4).path("attempt").asInt(), "the replay's first failure starts the schedule again: " + failed);
  }

  /**
   * Until the endpoint's deliveries are finished in the database, not only received: a handler returns before its
   * completion is written, and a replay skips an event whose delivery job is still unfinished.
   */
  private static void awaitNothingPendingFor(String endpointId) {
    Await.until("no delivery pending for " + endpointId, WAIT, () -> {
      try {
        return count("SELECT count(*) FROM job WHERE subscription = 'webhooks.delivery' AND state IN ('available', 'running')"
            + " AND job_key LIKE '" + UUID.fromString(endpointId) + "|%'") == 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The endpoint's failed delivery attempts, oldest first. */
  private static List<JsonNode> failedAttempts(String endpointId) {
    List<JsonNode> failed = new ArrayList<>();
    TestApi.json(admin.get("/admin/webhook-endpoints/" + endpointId + "/deliveries?failed=true")).path("deliveries")
        .forEach(failed::add);
    return failed.reversed();
  }

  @Test
  void badInputGetsA4xxProblemAndStoresNothing() throws Exception {
    long before = count("SELECT count(*) FROM outbound_endpoint");
    String good = subscribers.url("bad-input");
    for (String bad : List.of(
        "{}",
        "{\"url\":\"ftp://example.com/x\",\"eventTypes\":[\"*\"]}",
        "{\"url\":\"http://user:pw@example.com/x\",\"eventTypes\":[\"*\"]}",
        "{\"url\":\"" + good + "\",\"eventTypes\":[]}",
        "{\"url\":\"" + good + "\",\"eventTypes\":[\"Order Shipped!\"]}",
        "{\"url\":\"" + good + "\",\"eventTypes\":[\"order.**\"]}",
        "{\"url\":\"" + good + "\",\"eventTypes\":\"order.*\"}",
        "{\"url\":\"http://no-such-host.invalid/x\",\"eventTypes\":[\"*\"]}",
        "{\"url\":\"" + good + "\",\"eventTypes\":[\"*\"],\"description\":\"" + "x".repeat(501) + "\"}")) {
      var r = admin.post("/admin/webhook-endpoints", bad);
      assertEquals(422, r.statusCode(), bad + " -> " + r.body());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
      assertFalse(r.body().contains("Exception"), r.body());
    }
    assertEquals(400, admin.post("/admin/webhook-endpoints", "{nope").statusCode());
    assertEquals(415, admin.post("/admin/webhook-endpoints", "text/plain", "x".getBytes()).statusCode());
    assertEquals(401, api.post("/admin/webhook-endpoints", "{\"url\":\"" + good + "\",\"eventTypes\":[\"*\"]}").statusCode(),
        "the /v1 key is not an admin key");
    assertEquals(before, count("SELECT count(*) FROM outbound_endpoint"), "nothing stored");

    String id = subscribe("bad-input", "order.*");
    assertEquals(422, admin.patch("/admin/webhook-endpoints/" + id, "{}").statusCode());
    assertEquals(422, admin.patch("/admin/webhook-endpoints/" + id, "{\"eventTypes\":[\"?\"]}").statusCode());
    assertEquals(422, admin.patch("/admin/webhook-endpoints/" + id, "{\"enabled\":\"yes\"}").statusCode());
    assertEquals(422, admin.post("/admin/webhook-endpoints/" + id + "/replay", "{\"since\":\"yesterday\"}").statusCode());
    assertEquals(422, admin.post("/admin/webhook-endpoints/" + id + "/replay", "{}").statusCode());
    assertEquals(422, admin.post("/admin/webhook-endpoints/" + id + "/replay",
        "{\"since\":\"" + Instant.now().plusSeconds(3600) + "\"}").statusCode());
    var beforeRetention = admin.post("/admin/webhook-endpoints/" + id + "/replay",
        "{\"since\":\"" + Instant.now().minus(Duration.ofDays(8)) + "\"}");
    assertEquals(422, beforeRetention.statusCode(), "older than RELAYBOX_RETENTION (7d): " + beforeRetention.body());
    assertTrue(beforeRetention.body().contains("retention of 7d"), beforeRetention.body());
    assertEquals(400, admin.get("/admin/webhook-endpoints/" + id + "/deliveries?limit=0").statusCode());
    assertEquals(400, admin.get("/admin/webhook-endpoints/" + id + "/deliveries?failed=maybe").statusCode());
    assertEquals(404, admin.get("/admin/webhook-endpoints/" + UUID.randomUUID()).statusCode());
    assertEquals(404, admin.patch("/admin/webhook-endpoints/" + UUID.randomUUID(), "{\"enabled\":true}").statusCode());
    assertEquals(404, admin.get("/admin/webhook-endpoints/nope").statusCode());
    JsonNode listed = TestApi.json(admin.get("/admin/webhook-endpoints/" + id));
    assertFalse(listed.has("secret"), "the secret is shown once, at creation");
    for (String field : List.of("name", "disabledAt", "disabledReason", "health")) {
      assertTrue(listed.has(field), "every property is present, null when empty: " + field + " in " + listed);
    }
    assertTrue(listed.path("name").isNull());
    assertTrue(listed.path("health").has("lastSuccessAt"), listed.toString());
    assertEquals(List.of("order.*"), List.of(listed.path("eventTypes").get(0).asText()));
    assertEquals(204, admin.delete("/admin/webhook-endpoints/" + id).statusCode());
    assertEquals(404, admin.get("/admin/webhook-endpoints/" + id).statusCode());
    assertEquals(404, admin.delete("/admin/webhook-endpoints/" + id).statusCode());
  }

  // ---- helpers ----

  /** Creates an endpoint at the subscriber's path {@code name}; returns its id. */
  private static String subscribe(String name, String eventType) {
    HttpResponse<String> created = admin.post("/admin/webhook-endpoints",
        "{\"url\":\"" + subscribers.url(name) + "\",\"eventTypes\":[\"" + eventType + "\"]}");
    assertEquals(201, created.statusCode(), created.body());
    JsonNode endpoint = TestApi.json(created);
    assertTrue(endpoint.path("secret").asText().startsWith("whsec_"));
    subscribers.secret(name, endpoint.path("secret").asText());
    return endpoint.path("id").asText();
  }

  /** Places an order, retrying a 503 with the same key as clients are told to (a busy machine can time a call out). */
  private static String placeOrder(String customer) {
    String key = UUID.randomUUID().toString();
    HttpResponse<String> r = TestApi.resendingOn503(20, () -> api.postWithHeader("/v1/orders", """
        {"customerId":"%s","storefront":"us-app","currency":"USD","items":[{"sku":"SKU-W","quantity":1,"unitPrice":1999}],
         "shippingAddress":{"name":"Grace Hopper","line1":"1 Navy Way","city":"Arlington","postalCode":"22202","country":"US"}}"""
        .formatted(customer), "Idempotency-Key", key));
    assertEquals(201, r.statusCode(), r.body());
    return TestApi.json(r).path("id").asText();
  }

  private static void ship(String order) {
    var r = api.post("/v1/orders/" + order + "/shipments", "{\"carrier\":\"USPS\",\"trackingNumber\":\"9400\"}");
    assertEquals(200, r.statusCode(), r.body());
  }

  /** What a receiver that dedupes by webhook-id keeps: the first delivery of each. */
  private static List<FakeSubscriber.Received> distinct(List<FakeSubscriber.Received> received) {
    Set<String> seen = new HashSet<>();
    return received.stream().filter(r -> seen.add(r.webhookId())).toList();
  }

  /** The types of the events {@code endpointName} got for {@code orders}, each webhook-id once (as a receiver dedupes). */
  private static List<String> types(String endpointName, String... orders) {
    Set<String> keys = Set.of(orders);
    return distinct(subscribers.accepted(endpointName)).stream().filter(r -> keys.contains(r.key())).map(FakeSubscriber.Received::type).toList();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(databaseUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
