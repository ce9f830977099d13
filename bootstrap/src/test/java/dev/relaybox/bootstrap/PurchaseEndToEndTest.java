package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.adapters.apple.AppleTestPki;
import dev.relaybox.adapters.google.FakeGoogle;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In-app purchases end to end through HTTP: the real wiring and PostgreSQL, a test PKI signing real App Store JWS, a
 * loopback Google (token endpoint, Play API, OIDC keys) and a main backend that verifies Standard Webhooks signatures.
 */
class PurchaseEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String BUNDLE = "dev.relaybox.testapp";
  private static final long APP_ID = 1234567890L;
  private static final String PACKAGE = "dev.relaybox.testapp";
  private static final String AUDIENCE = "https://relaybox.test/webhooks/google";
  private static final String PUSHER = "pubsub-push@relaybox-test.iam.gserviceaccount.com";
  private static final AtomicLong TRANSACTION = new AtomicLong(2_000_000_000L);

  private static Path dir;
  private static AppleTestPki apple;
  private static AppleTestPki stranger;
  private static FakeGoogle google;
  private static FakeBackend backend;
  private static Relaybox relaybox;
  private static String databaseUrl;
  private static TestApi api;
  private static TestApi admin;
  private static TestApi anonymous;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("relaybox-purchases");
    apple = AppleTestPki.create("Test Apple");
    stranger = AppleTestPki.create("Stranger");
    google = new FakeGoogle();
    backend = new FakeBackend();
    Map<String, String> env = TestConfigs.freshDatabase();
    databaseUrl = env.get("DATABASE_URL");
    env.putAll(Map.of(
        "RELAYBOX_APPLE_ROOT_CERTS", apple.writeRoot(dir).toString(),
        "RELAYBOX_APPLE_BUNDLE_ID", BUNDLE,
        "RELAYBOX_APPLE_APP_APPLE_ID", Long.toString(APP_ID),
        "RELAYBOX_APPLE_ENVIRONMENT", "Production",
        "RELAYBOX_GOOGLE_SERVICE_ACCOUNT_FILE", google.writeServiceAccount(dir).toString(),
        "RELAYBOX_GOOGLE_API_ROOT_URL", google.baseUrl(),
        "RELAYBOX_GOOGLE_TOKEN_URL", google.tokenUrl(),
        "RELAYBOX_GOOGLE_PUSH_AUDIENCE", AUDIENCE,
        "RELAYBOX_GOOGLE_PUSH_SERVICE_ACCOUNT", PUSHER,
        "RELAYBOX_GOOGLE_PUSH_CERTS_URL", google.certsUrl()));
    env.putAll(Map.of(
        "RELAYBOX_BACKEND_WEBHOOK_URL", backend.url(),
        "RELAYBOX_BACKEND_WEBHOOK_SECRET", FakeBackend.SECRET,
        "RELAYBOX_BACKEND_RETRY_SCALE", "0.001",
        "RELAYBOX_POLL_INTERVAL", "200ms",
        "RELAYBOX_APPLE_ONLINE_CHECKS", "false",
        "RELAYBOX_GOOGLE_ACK_SWEEP_AFTER", "1s",
        "RELAYBOX_GOOGLE_ACK_SWEEP_INTERVAL", "500ms",
        "RELAYBOX_METRICS_REFRESH", "300ms"));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = new TestApi(relaybox.httpPort(), TestConfigs.ADMIN_KEY);
    anonymous = new TestApi(relaybox.httpPort(), null);
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) {
      relaybox.close();
    }
    google.close();
    backend.close();
  }

  // ---- Apple ----

  private static String signedTransaction(AppleTestPki pki, String bundle, String env, String originalId, String productId,
      Instant expires) {
    return pki.signedTransaction(AppleTestPki.transaction(bundle, env, Long.toString(TRANSACTION.incrementAndGet()), originalId, productId,
        Instant.now().minusSeconds(30), expires));
  }

  private static String newOriginalId() {
    return Long.toString(TRANSACTION.addAndGet(1000));
  }

  private static HttpResponse<String> postApple(String signedTransaction, String user) {
    return api.post("/v1/purchases/apple", "{\"signedTransaction\":\"" + signedTransaction + "\",\"userId\":\"" + user + "\"}");
  }

  private static HttpResponse<String> appleWebhook(String signedPayload) {
    return anonymous.post("/webhooks/apple", "{\"signedPayload\":\"" + signedPayload + "\"}");
  }

  @Test
  void appleSignedTransactionIsVerifiedStoredAndDeliveredToTheBackend() {
    String original = newOriginalId();
    String user = "apple-user-" + UUID.randomUUID();
    var response = postApple(signedTransaction(apple, BUNDLE, "Production", original, "pro.monthly",
        Instant.now().plus(Duration.ofDays(30))), user);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode purchase = TestApi.json(response);
    assertEquals("verified", purchase.path("state").asText());
    assertEquals("apple", purchase.path("store").asText());
    assertEquals("Production", purchase.path("environment").asText());
    assertEquals(original, purchase.path("originalTransactionId").asText());
    assertEquals(9_990_000L, purchase.path("amountMicros").asLong());
    String id = purchase.path("id").asText();
    assertEquals("verified", TestApi.json(api.get("/v1/purchases/" + id)).path("state").asText());

    Await.until("the backend receives purchase.verified", WAIT, () -> delivered(user).size() == 1);
    var delivered = delivered(user).getFirst();
    assertEquals("purchase.verified", delivered.type());
    assertEquals(id, delivered.body().path("data").path("purchaseId").asText());
    assertEquals(delivered.webhookId(), delivered.body().path("id").asText());

    Await.until("the delivery is in the history", WAIT, () -> kinds(id).contains("delivery"));
    List<String> kinds = kinds(id);
    assertTrue(kinds.containsAll(List.of("state_change", "verification", "delivery")), kinds.toString());
    JsonNode verification = entries(id).stream().filter(e -> e.path("kind").asText().equals("verification")).findFirst().orElseThrow();
    assertEquals("verified", verification.path("outcome").asText());
    assertTrue(verification.has("latencyMs"));

    JsonNode lookup = TestApi.json(admin.get("/admin/lookup/" + id));
    assertEquals("purchase", lookup.path("kind").asText(), lookup.toString());
    assertEquals(id, lookup.path("record").path("purchase").path("id").asText());
    assertTrue(lookup.path("record").path("history").size() >= 3, lookup.toString());
  }

  @Test
  void appleVerificationRejectsTamperedUnknownRootWrongBundleAndSandboxAndAuditsEach() throws Exception {
    Instant expires = Instant.now().plus(Duration.ofDays(30));
    long before = auditCount("apple", "verification", "rejected");
    List<String> bad = List.of(
        AppleTestPki.tamper(signedTransaction(apple, BUNDLE, "Production", newOriginalId(), "pro.monthly", expires)),
        signedTransaction(stranger, BUNDLE, "Production", newOriginalId(), "pro.monthly", expires),
        signedTransaction(apple, "com.other.app", "Production", newOriginalId(), "pro.monthly", expires),
        signedTransaction(apple, BUNDLE, "Sandbox", newOriginalId(), "pro.monthly", expires));
    for (String jws : bad) {
      var response = postApple(jws, "rejected-user");
      assertEquals(422, response.statusCode(), response.body());
      assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }
    assertEquals(before + 4, auditCount("apple", "verification", "rejected"));

    long webhooksBefore = auditCount("apple", "webhook", "rejected");
    double refusedBefore = refusals("apple");
    String payload = apple.signedNotification(AppleTestPki.notification(UUID.randomUUID().toString(), "TEST", null, BUNDLE, APP_ID,
        "Production", null));
    assertEquals(401, appleWebhook(AppleTestPki.tamper(payload)).statusCode());
    assertEquals(401, appleWebhook(stranger.signedNotification(AppleTestPki.notification(UUID.randomUUID().toString(), "TEST", null,
        BUNDLE, APP_ID, "Production", null))).statusCode());
    assertEquals(401, appleWebhook(apple.signedNotification(AppleTestPki.notification(UUID.randomUUID().toString(), "TEST", null,
        BUNDLE, APP_ID, "Sandbox", null))).statusCode());
    assertEquals(webhooksBefore, auditCount("apple", "webhook", "rejected"), "refusals are counted, not audited");
    assertEquals(refusedBefore + 3, refusals("apple"));
    assertEquals(200, appleWebhook(payload).statusCode(), "TEST is accepted and logged");
  }

  @Test
  void appleNotificationsRenewAndRevokeOnceEvenWhenReplayed() throws Exception {
    String original = newOriginalId();
    String user = "renewing-user-" + UUID.randomUUID();
    Instant firstExpiry = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);
    var verified = postApple(signedTransaction(apple, BUNDLE, "Production", original, "pro.monthly", firstExpiry), user);
    assertEquals(200, verified.statusCode(), verified.body());
    String id = TestApi.json(verified).path("id").asText();

    Instant renewedExpiry = firstExpiry.plus(Duration.ofDays(30));
    String renewal = apple.signedNotification(AppleTestPki.notification(UUID.randomUUID().toString(), "DID_RENEW", null, BUNDLE, APP_ID,
        "Production", signedTransaction(apple, BUNDLE, "Production", original, "pro.monthly", renewedExpiry)));
    assertEquals(200, appleWebhook(renewal).statusCode());
    assertEquals(200, appleWebhook(renewal).statusCode(), "a replay is acknowledged");
    Await.until("the renewal is applied", WAIT, () -> "renewed".equals(state(id)));
    assertEquals(renewedExpiry.toString(), Instant.parse(TestApi.json(api.get("/v1/purchases/" + id)).path("expiresAt").asText()).toString());
    // The app verifies the renewed transaction as well (the device saw the renewal): the same renewal, announced once.
    var verifiedAgain = postApple(signedTransaction(apple, BUNDLE, "Production", original, "pro.monthly", renewedExpiry), user);
    assertEquals(200, verifiedAgain.statusCode(), verifiedAgain.body());

    String refund = apple.signedNotification(AppleTestPki.notification(UUID.randomUUID().toString(), "REFUND", null, BUNDLE, APP_ID,
        "Production", signedTransaction(apple, BUNDLE, "Production", original, "pro.monthly", renewedExpiry)));
    assertEquals(200, appleWebhook(refund).statusCode());
    assertEquals(200, appleWebhook(refund).statusCode());
    Await.until("the refund revokes it", WAIT, () -> "revoked".equals(state(id)));
    Await.until("the backend has verified, renewed, revoked", WAIT, () -> delivered(user).size() >= 3);
    Thread.sleep(1_000);
    assertEquals(List.of("purchase.verified", "purchase.renewed", "purchase.revoked"),
        delivered(user).stream().map(FakeBackend.Received::type).toList(), "each effect once, in order");
    List<JsonNode> webhooks = entries(id).stream().filter(e -> e.path("kind").asText().equals("webhook")).toList();
    assertEquals(List.of("accepted", "duplicate", "accepted", "duplicate"), webhooks.stream().map(e -> e.path("outcome").asText()).toList());
    assertEquals(1, entries(id).stream().filter(e -> e.path("outcome").asText().equals("renewed")).count());
  }

  // ---- Google ----

  private static String googleBody(String product, String token, String type, String user) {
    return "{\"packageName\":\"" + PACKAGE + "\",\"productId\":\"" + product + "\",\"purchaseToken\":\"" + token + "\",\"type\":\""
        + type + "\",\"userId\":\"" + user + "\"}";
  }

  private static HttpResponse<String> push(String bearer, String rtdnJson, String messageId) {
    String data = Base64.getEncoder().encodeToString(rtdnJson.getBytes(StandardCharsets.UTF_8));
    String body = "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"" + messageId + "\",\"publishTime\":\"" + Instant.now()
        + "\"},\"subscription\":\"projects/relaybox-test/subscriptions/play\"}";
    return bearer == null ? anonymous.post("/webhooks/google", body)
        : anonymous.postWithHeader("/webhooks/google", body, "Authorization", "Bearer " + bearer);
  }

  @Test
  void googleProductIsVerifiedIdempotentlyAndAcknowledgedByAJob() {
    String token = "gp-token-" + UUID.randomUUID();
    String user = "google-user-" + UUID.randomUUID();
    google.product(token, 0, false, null, null);
    var first = api.post("/v1/purchases/google", googleBody("coins.100", token, "product", user));
    assertEquals(200, first.statusCode(), first.body());
    String id = TestApi.json(first).path("id").asText();
    assertEquals("verified", TestApi.json(first).path("state").asText());
    var again = api.post("/v1/purchases/google", googleBody("coins.100", token, "product", user));
    assertEquals(200, again.statusCode());
    assertEquals(id, TestApi.json(again).path("id").asText(), "idempotent on the purchase token");
    var conflict = api.post("/v1/purchases/google", googleBody("coins.100", token, "product", "someone-else"));
    assertEquals(409, conflict.statusCode());
    assertFalse(conflict.body().contains("Exception"), conflict.body());
    assertTrue(entries(id).stream().anyMatch(e -> e.path("outcome").asText().equals("conflict")
        && e.path("request").asText().contains("someone-else")), "the 409 is audited");

    Await.until("the purchase is acknowledged with Google", WAIT, () -> "acknowledged".equals(state(id)));
    assertEquals(1, google.acknowledgements(token));
    assertTrue(kinds(id).contains("acknowledgement"));
    Await.until("the backend receives purchase.verified", WAIT, () -> delivered(user).size() == 1);
  }

  @Test
  void googleUnreachableAnswers503WithRetryAfterAndIsAudited() throws Exception {
    String token = "gp-down-" + UUID.randomUUID();
    google.product(token, 0, false, null, null);
    long before = auditCount("google", "verification", "unavailable");
    google.failWith(503);
    try {
      var response = api.post("/v1/purchases/google", googleBody("coins.100", token, "product", "user-1"));
      assertEquals(503, response.statusCode(), response.body());
      assertTrue(response.headers().firstValue("Retry-After").isPresent());
      assertFalse(response.body().contains("Exception"), response.body());
    } finally {
      google.failWith(0);
    }
    assertEquals(before + 1, auditCount("google", "verification", "unavailable"));
    var later = api.post("/v1/purchases/google", googleBody("coins.100", token, "product", "user-1"));
    assertEquals(200, later.statusCode());
    String id = TestApi.json(later).path("id").asText();
    assertTrue(entries(id).stream().anyMatch(e -> e.path("outcome").asText().equals("unavailable")),
        "the failed attempt is in the purchase's history");
  }

  @Test
  void googlePushIsVerifiedStoredOnceAndAppliedByFetchingThePurchase() throws Exception {
    String token = "gp-sub-" + UUID.randomUUID();
    String user = "sub-user-" + UUID.randomUUID();
    Instant expiry = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    google.subscription(token, "pro.monthly", "SUBSCRIPTION_STATE_ACTIVE", expiry, true);
    var verified = api.post("/v1/purchases/google", googleBody("pro.monthly", token, "subscription", user));
    assertEquals(200, verified.statusCode(), verified.body());
    String id = TestApi.json(verified).path("id").asText();

    google.subscription(token, "pro.monthly", "SUBSCRIPTION_STATE_EXPIRED", Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS), true);
    String rtdn = "{\"version\":\"1.0\",\"packageName\":\"" + PACKAGE + "\",\"eventTimeMillis\":\"" + Instant.now().toEpochMilli()
        + "\",\"subscriptionNotification\":{\"version\":\"1.0\",\"notificationType\":13,\"purchaseToken\":\"" + token
        + "\",\"subscriptionId\":\"pro.monthly\"}}";
    String messageId = "msg-" + UUID.randomUUID();
    String good = google.oidcToken(AUDIENCE, PUSHER, Instant.now().plusSeconds(600));
    long rejectedBefore = auditCount("google", "webhook", "rejected");
    double refusedBefore = refusals("google");
    assertEquals(401, push(google.oidcToken(AUDIENCE, PUSHER, Instant.now().minusSeconds(60)), rtdn, messageId).statusCode(), "expired");
    assertEquals(401, push(google.oidcToken("https://elsewhere.test", PUSHER, Instant.now().plusSeconds(600)), rtdn, messageId).statusCode(),
        "wrong audience");
    assertEquals(401, push(null, rtdn, messageId).statusCode(), "no token");
    assertEquals(rejectedBefore, auditCount("google", "webhook", "rejected"), "refusals are counted, not audited");
    assertEquals(refusedBefore + 3, refusals("google"));

    assertEquals(204, push(good, rtdn, messageId).statusCode());
    assertEquals(204, push(good, rtdn, messageId).statusCode(), "a redelivered push is acknowledged");
    Await.until("the job fetched the purchase and expired it", WAIT, () -> "expired".equals(state(id)));
    Await.until("backend got verified and expired", WAIT, () -> delivered(user).size() >= 2);
    Thread.sleep(1_000);
    assertEquals(List.of("purchase.verified", "purchase.expired"),
        delivered(user).stream().map(FakeBackend.Received::type).toList());
    assertEquals(1, countRows("SELECT count(*) FROM store_notification WHERE external_id = '" + messageId + "'"));
  }

  // ---- issue 11: events follow entitlement, acknowledgement on every path, ownership ----

  private static String productRtdn(String token, String sku, int type) {
    return "{\"version\":\"1.0\",\"packageName\":\"" + PACKAGE + "\",\"eventTimeMillis\":\"" + Instant.now().toEpochMilli()
        + "\",\"oneTimeProductNotification\":{\"version\":\"1.0\",\"notificationType\":" + type + ",\"purchaseToken\":\"" + token
        + "\",\"sku\":\"" + sku + "\"}}";
  }

  private static String subscriptionRtdn(String token, String subscriptionId, int type) {
    return "{\"version\":\"1.0\",\"packageName\":\"" + PACKAGE + "\",\"eventTimeMillis\":\"" + Instant.now().toEpochMilli()
        + "\",\"subscriptionNotification\":{\"version\":\"1.0\",\"notificationType\":" + type + ",\"purchaseToken\":\"" + token
        + "\",\"subscriptionId\":\"" + subscriptionId + "\"}}";
  }

  private static HttpResponse<String> pushNow(String rtdn) {
    return push(google.oidcToken(AUDIENCE, PUSHER, Instant.now().plusSeconds(600)), rtdn, "msg-" + UUID.randomUUID());
  }

  private static String purchaseIdFor(String storeKey) {
    try (Connection c = DriverManager.getConnection(databaseUrl);
        var statement = c.prepareStatement("SELECT id FROM purchase WHERE store_key = ?")) {
      statement.setString(1, storeKey);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCanceledGoogleProductIsStoredRejectedWithGooglesReasonAndTheBackendHearsNothing() throws Exception {
    String token = "gp-canceled-" + UUID.randomUUID();
    String user = "canceled-user-" + UUID.randomUUID();
    google.product(token, 1, false, null, null);
    var response = api.post("/v1/purchases/google", googleBody("coins.100", token, "product", user));
    assertEquals(200, response.statusCode(), response.body());
    JsonNode purchase = TestApi.json(response);
    assertEquals("rejected", purchase.path("state").asText());
    assertEquals("Google Play says the purchase was canceled (purchaseState 1)", purchase.path("stateReason").asText());
    String id = purchase.path("id").asText();
    assertEquals(List.of("rejected"), entries(id).stream().filter(e -> e.path("kind").asText().equals("state_change"))
        .map(e -> e.path("outcome").asText()).toList(), "pending -> rejected, never verified");
    Thread.sleep(2_500);
    assertTrue(delivered(user).isEmpty(), "a purchase that never entitled announces nothing");
    assertEquals(0, google.acknowledgements(token), "nothing to acknowledge");
  }

  @Test
  void aPendingProductThatLaterCompletesIsVerifiedOnceAndAcknowledged() throws Exception {
    String token = "gp-pending-" + UUID.randomUUID();
    String user = "pending-user-" + UUID.randomUUID();
    google.product(token, 2, false, null, null);
    var pending = api.post("/v1/purchases/google", googleBody("coins.500", token, "product", user));
    assertEquals(200, pending.statusCode(), pending.body());
    assertEquals("pending", TestApi.json(pending).path("state").asText());
    String id = TestApi.json(pending).path("id").asText();

    google.product(token, 0, false, null, null);
    assertEquals(204, pushNow(productRtdn(token, "coins.500", 1)).statusCode());
    Await.until("the completed payment verifies it and Google is acknowledged", WAIT, () -> "acknowledged".equals(state(id)));
    Await.until("the backend receives purchase.verified", WAIT, () -> delivered(user).size() == 1);
    var again = api.post("/v1/purchases/google", googleBody("coins.500", token, "product", user));
    assertEquals(id, TestApi.json(again).path("id").asText());
    Thread.sleep(1_500);
    assertEquals(List.of("purchase.verified"), delivered(user).stream().map(FakeBackend.Received::type).toList());
    assertEquals(1, google.acknowledgements(token));
  }

  @Test
  void rtdnFirstSubscriptionAndProductAreRecordedWithoutOwnerAcknowledgedAndClaimedByTheAppsVerify() throws Exception {
    String subToken = "gp-rtdn-sub-" + UUID.randomUUID();
    String productToken = "gp-rtdn-prod-" + UUID.randomUUID();
    String user = "rtdn-first-" + UUID.randomUUID();
    google.subscription(subToken, "pro.yearly", "SUBSCRIPTION_STATE_ACTIVE", Instant.now().plus(Duration.ofDays(365))
        .truncatedTo(ChronoUnit.SECONDS), false);
    google.product(productToken, 0, false, null, "obfuscated-" + user);
    assertEquals(204, pushNow(subscriptionRtdn(subToken, "pro.yearly", 4)).statusCode());
    assertEquals(204, pushNow(productRtdn(productToken, "coins.100", 1)).statusCode());

    Await.until("Google saw both acknowledge calls", WAIT, () -> google.acknowledgements(subToken) == 1
        && google.acknowledgements(productToken) == 1);
    String subId = purchaseIdFor(subToken);
    String productId = purchaseIdFor(productToken);
    Await.until("both are acknowledged", WAIT, () -> "acknowledged".equals(state(subId)) && "acknowledged".equals(state(productId)));
    JsonNode unclaimed = TestApi.json(api.get("/v1/purchases/" + productId));
    assertTrue(unclaimed.path("userId").isNull(), "a notification never decides the owner: " + unclaimed);
    assertEquals("obfuscated-" + user, unclaimed.path("appAccountToken").asText());

    var claimSub = api.post("/v1/purchases/google", googleBody("pro.yearly", subToken, "subscription", user));
    var claimProduct = api.post("/v1/purchases/google", googleBody("coins.100", productToken, "product", user));
    assertEquals(200, claimSub.statusCode(), claimSub.body());
    assertEquals(subId, TestApi.json(claimSub).path("id").asText());
    assertEquals(user, TestApi.json(claimProduct).path("userId").asText());
    Await.until("the backend hears of both once claimed", WAIT, () -> delivered(user).size() == 2);
    Thread.sleep(1_000);
    assertEquals(List.of("purchase.verified", "purchase.verified"),
        delivered(user).stream().map(FakeBackend.Received::type).toList());
    assertEquals(1, google.acknowledgements(subToken), "acknowledged once, whatever path learned of it");
    assertEquals(1, google.acknowledgements(productToken));
    assertEquals(409, api.post("/v1/purchases/google", googleBody("coins.100", productToken, "product", "thief")).statusCode());
  }

  @Test
  void theSweepAcknowledgesAPurchaseWhoseAcknowledgeJobDiedAndTheMetricShowsItMeanwhile() throws Exception {
    String token = "gp-sweep-" + UUID.randomUUID();
    String user = "sweep-user-" + UUID.randomUUID();
    google.product(token, 0, false, null, null);
    google.failAcknowledgementsWith(404);
    String id;
    try {
      var verified = api.post("/v1/purchases/google", googleBody("coins.100", token, "product", user));
      assertEquals(200, verified.statusCode(), verified.body());
      id = TestApi.json(verified).path("id").asText();
      Await.until("Google refuses the acknowledgement and the job dies", WAIT, () -> countRows(
          "SELECT count(*) FROM job WHERE subscription = 'purchase.google-acknowledge' AND state = 'dead' AND dedupe_key = 'ack:"
              + token + "'") == 1);
      Await.until("the metric counts the unacknowledged purchase", WAIT, () -> metric("relaybox_purchases_unacknowledged") >= 1);
      assertTrue(metric("relaybox_purchases_unacknowledged_oldest_seconds") > 0);
    } finally {
      google.failAcknowledgementsWith(0);
    }
    String purchaseId = id;
    Await.until("the sweep schedules another acknowledgement, which succeeds", WAIT, () -> "acknowledged".equals(state(purchaseId)));
    assertEquals(1, google.acknowledgements(token));
    assertTrue(entries(id).stream().anyMatch(e -> e.path("kind").asText().equals("acknowledgement")
        && e.path("outcome").asText().equals("scheduled") && e.path("request").asText().contains("sweep")), "the sweep is audited");
  }

  @Test
  void cancellingTheSweepSkipsOneRunAndTheNextStillAcknowledgesAPurchaseWhoseAcknowledgementWasCancelled() throws Exception {
    String token = "gp-cancel-" + UUID.randomUUID();
    String user = "cancel-user-" + UUID.randomUUID();
    String ackJob = "{\"subscription\":\"purchase.google-acknowledge\",\"dedupeKey\":\"ack:" + token + "\"}";
    google.product(token, 0, false, null, null);
    google.failAcknowledgementsWith(503);
    String id;
    try {
      var verified = api.post("/v1/purchases/google", googleBody("coins.100", token, "product", user));
      assertEquals(200, verified.statusCode(), verified.body());
      id = TestApi.json(verified).path("id").asText();
      Await.until("the acknowledgement was refused and waits to retry", WAIT, () -> countRows(
          "SELECT count(*) FROM job WHERE subscription = 'purchase.google-acknowledge' AND dedupe_key = 'ack:" + token
              + "' AND attempts >= 1 AND state = 'available'") == 1);
      // An operator cancels the sweep itself, as the dashboard lets them, and then the purchase's acknowledgement: from
      // here only a sweep that came back after its cancel (without a restart) can acknowledge the purchase.
      var sweep = admin.post("/admin/jobs/cancel", "{\"subscription\":\"purchase.google-acknowledge-sweep\",\"dedupeKey\":\"sweep\"}");
      assertEquals(200, sweep.statusCode(), sweep.body());
      var ack = admin.post("/admin/jobs/cancel", ackJob);
      assertEquals(200, ack.statusCode(), ack.body());
    } finally {
      google.failAcknowledgementsWith(0);
    }
    String purchaseId = id;
    Await.until("a later sweep schedules the acknowledgement again, and it succeeds", WAIT,
        () -> "acknowledged".equals(state(purchaseId)));
    assertEquals(1, google.acknowledgements(token));
    assertTrue(countRows("SELECT count(*) FROM job WHERE subscription = 'purchase.google-acknowledge-sweep'"
        + " AND state IN ('available', 'running')") <= 1, "one sweep is scheduled, never two");
  }

  private static double metric(String name) {
    var response = anonymous.get("/metrics");
    for (String line : response.body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  @Test
  void aValidlySignedNotificationWithoutTransactionIdsIsAcceptedAndAuditedAndVerifyRefusesItInPlainWords() throws Exception {
    String mock = apple.signedTransaction(AppleTestPki.mockTransaction(BUNDLE, "Production"));
    String uuid = UUID.randomUUID().toString();
    var accepted = appleWebhook(apple.signedNotification(AppleTestPki.notification(uuid, "SUBSCRIBED", "INITIAL_BUY", BUNDLE, APP_ID,
        "Production", mock)));
    assertEquals(200, accepted.statusCode(), accepted.body());
    Await.until("the apply job records why nothing was applied", WAIT, () -> countRows(
        "SELECT count(*) FROM purchase_audit WHERE subject = '" + uuid + "' AND outcome = 'ignored'") == 1);
    assertEquals(1, countRows("SELECT count(*) FROM store_notification WHERE external_id = '" + uuid
        + "' AND decoded -> 'data' -> 'transactionInfo' ->> 'bundleId' = '" + BUNDLE + "'"), "the whole decoded notification is kept");

    String summaryUuid = UUID.randomUUID().toString();
    assertEquals(200, appleWebhook(apple.signedNotification(AppleTestPki.summaryNotification(summaryUuid, BUNDLE, APP_ID, "Production")))
        .statusCode());
    assertEquals(1, countRows("SELECT count(*) FROM store_notification WHERE external_id = '" + summaryUuid
        + "' AND (decoded -> 'summary' ->> 'succeededCount')::int = 5"));

    long before = auditCount("apple", "verification", "rejected");
    var refused = postApple(mock, "user-" + UUID.randomUUID());
    assertProblem(refused, 422);
    assertTrue(refused.body().contains("names no transactionId"), refused.body());
    assertEquals(before + 1, auditCount("apple", "verification", "rejected"));
  }

  @Test
  void aNotificationBeforeTheAppsVerifyWithAnotherUsersTokenDoesNotDecideTheOwner() throws Exception {
    String original = newOriginalId();
    String realUser = "real-user-" + UUID.randomUUID();
    String token = UUID.randomUUID().toString();
    Instant expires = Instant.now().plus(Duration.ofDays(30));
    Map<String, Object> tx = AppleTestPki.transaction(BUNDLE, "Production", Long.toString(TRANSACTION.incrementAndGet()), original,
        "pro.monthly", Instant.now().minusSeconds(30), expires);
    tx.put("appAccountToken", token);
    String signed = apple.signedTransaction(tx);
    assertEquals(200, appleWebhook(apple.signedNotification(AppleTestPki.notification(UUID.randomUUID().toString(), "SUBSCRIBED",
        "INITIAL_BUY", BUNDLE, APP_ID, "Production", signed))).statusCode());
    Await.until("the notification records the purchase without an owner", WAIT, () -> purchaseIdFor(original) != null);
    String id = purchaseIdFor(original);
    Await.until("it is verified", WAIT, () -> "verified".equals(state(id)));
    JsonNode unowned = TestApi.json(api.get("/v1/purchases/" + id));
    assertTrue(unowned.path("userId").isNull(), unowned.toString());
    assertEquals(token, unowned.path("appAccountToken").asText());

    var claimed = postApple(signed, realUser);
    assertEquals(200, claimed.statusCode(), claimed.body());
    assertEquals(realUser, TestApi.json(claimed).path("userId").asText());
    assertEquals(id, TestApi.json(claimed).path("id").asText());
    var stolen = postApple(signed, token);
    assertProblem(stolen, 409);
    Await.until("the real user is told", WAIT, () -> delivered(realUser).size() == 1);
    Thread.sleep(1_000);
    assertTrue(delivered(token).isEmpty(), "nothing goes to the token's user");
    assertEquals("purchase.verified", delivered(realUser).getFirst().type());
    assertTrue(entries(id).stream().anyMatch(e -> e.path("outcome").asText().equals("claimed")));
    assertTrue(entries(id).stream().anyMatch(e -> e.path("outcome").asText().equals("conflict")), "the 409 is audited");
  }

  // ---- delivery to the backend ----

  @Test
  void backendDownForAnHourThenBackGetsEveryEventOncePerWebhookIdInOrderPerUser() throws Exception {
    List<String> users = List.of("ordered-a-" + UUID.randomUUID(), "ordered-b-" + UUID.randomUUID(), "ordered-c-" + UUID.randomUUID());
    int perUser = 4;
    backend.answer(503);
    try {
      for (int i = 0; i < perUser; i++) {
        for (String user : users) {
          var r = postApple(signedTransaction(apple, BUNDLE, "Production", newOriginalId(), "item.n" + i, null), user);
          assertEquals(200, r.statusCode(), r.body());
        }
      }
      // 0.001 x 1 h: the backend is down through the 5 s, 5 min and 30 min retries
      Thread.sleep(3_600);
      assertTrue(backend.attempts() > 0, "deliveries were attempted while the backend was down");
      for (String user : users) {
        assertTrue(delivered(user).isEmpty());
      }
    } finally {
      backend.answer(200);
    }
    Await.until("every event arrives after the backend returns", WAIT,
        () -> users.stream().allMatch(u -> delivered(u).size() >= perUser),
        () -> users.stream().map(u -> u + "=" + delivered(u).size()).toList().toString());
    Thread.sleep(1_000);
    Set<String> ids = new HashSet<>();
    for (String user : users) {
      List<FakeBackend.Received> received = delivered(user);
      List<String> products = new ArrayList<>();
      for (var r : received) {
        assertTrue(ids.add(r.webhookId()), "webhook-id " + r.webhookId() + " reached two users");
        products.add(r.productId());
      }
      assertEquals(List.of("item.n0", "item.n1", "item.n2", "item.n3"), products, "in order for " + user);
    }
    assertEquals(0, backend.badSignatures());
  }

  @Test
  void a410DisablesTheEndpointUntilAnAdminReenablesItAndTheBacklogArrives() throws Exception {
    String user = "gone-user-" + UUID.randomUUID();
    backend.answer(410);
    try {
      assertEquals(200, postApple(signedTransaction(apple, BUNDLE, "Production", newOriginalId(), "gone.one", null), user).statusCode());
      Await.until("the endpoint is disabled", WAIT, () -> !endpoint().path("enabled").asBoolean());
      assertTrue(endpoint().path("disabledReason").asText().contains("410"));
      assertEquals(200, postApple(signedTransaction(apple, BUNDLE, "Production", newOriginalId(), "gone.two", null), user).statusCode());
      backend.answer(200);
      Thread.sleep(1_000);
      assertTrue(delivered(user).isEmpty(), "nothing is sent while disabled");
      assertEquals(0, countRows("SELECT count(*) FROM job WHERE subscription = 'webhooks.delivery' AND state = 'dead'"), "jobs wait, not die");
    } finally {
      backend.answer(200);
    }
    var enabled = admin.post("/admin/endpoints/backend/enable", "{}");
    assertEquals(200, enabled.statusCode(), enabled.body());
    assertTrue(TestApi.json(enabled).path("enabled").asBoolean());
    Await.until("the backlog arrives", WAIT, () -> delivered(user).size() >= 2);
    assertEquals(List.of("gone.one", "gone.two"), delivered(user).stream().map(FakeBackend.Received::productId).toList());
    assertEquals(404, admin.post("/admin/endpoints/nope/enable", "{}").statusCode());
    assertEquals(401, api.get("/admin/endpoints").statusCode(), "the admin API needs the admin key");
  }

  private static JsonNode endpoint() {
    for (JsonNode e : TestApi.json(admin.get("/admin/endpoints")).path("endpoints")) {
      if (e.path("name").asText().equals("backend")) {
        return e;
      }
    }
    throw new AssertionError("no backend endpoint");
  }

  // ---- bad input ----

  @Test
  void badInputToEveryEndpointGets4xxProblems() {
    assertProblem(api.post("/v1/purchases/google", "{}"), 422);
    assertProblem(api.post("/v1/purchases/google", googleBody("coins.100", "short", "gift", "u")), 422);
    assertProblem(api.post("/v1/purchases/google", "not json"), 400);
    assertProblem(api.post("/v1/purchases/google", "text/plain", "x".getBytes(StandardCharsets.UTF_8)), 415);
    assertProblem(anonymous.post("/v1/purchases/google", googleBody("coins.100", "gp-token-000000001", "product", "u")), 401);
    assertProblem(api.post("/v1/purchases/apple", "{\"userId\":\"u\"}"), 422);
    assertProblem(api.post("/v1/purchases/apple", "{\"signedTransaction\":\"a.b.c\",\"transactionId\":\"1\",\"userId\":\"u\"}"), 422);
    assertProblem(api.post("/v1/purchases/apple", "{\"transactionId\":\"abc\",\"userId\":\"u\"}"), 422);
    assertProblem(api.post("/v1/purchases/apple", "{\"signedTransaction\":\"not-a-jws\",\"userId\":\"u\"}"), 422);
    assertProblem(api.post("/v1/purchases/apple", "[1]"), 400);
    assertProblem(api.get("/v1/purchases/" + UUID.randomUUID()), 404);
    assertProblem(api.get("/v1/purchases/not-a-uuid"), 404);
    assertProblem(api.get("/v1/purchases/" + UUID.randomUUID() + "/history"), 404);
    assertProblem(anonymous.post("/webhooks/apple", "{}"), 422);
    assertProblem(anonymous.post("/webhooks/apple", "{\"signedPayload\":\"nope\"}"), 422);
    assertProblem(anonymous.post("/webhooks/apple", "{\"signedPayload\":\"a.b.c\"}"), 401);
    assertProblem(anonymous.post("/webhooks/apple", "garbage"), 400);
    String token = google.oidcToken(AUDIENCE, PUSHER, Instant.now().plusSeconds(600));
    assertProblem(anonymous.postWithHeader("/webhooks/google", "{}", "Authorization", "Bearer " + token), 422);
    assertProblem(anonymous.postWithHeader("/webhooks/google", "{\"message\":{\"data\":\"%%%\",\"messageId\":\"1\"}}", "Authorization",
        "Bearer " + token), 422);
    assertProblem(push(token, "{\"packageName\":\"" + PACKAGE + "\"}", "m-" + UUID.randomUUID()), 422);
    var nul = push(token, "{\"packageName\":\"" + PACKAGE + "\",\"testNotification\":{\"version\":\"a\\u0000b\"}}", "m-" + UUID.randomUUID());
    assertProblem(nul, 422);
    assertEquals("message.data.testNotification.version", TestApi.json(nul).path("errors").path(0).path("field").asText());
    var surrogate = push(token, "{\"packageName\":\"" + PACKAGE + "\\ud800\",\"testNotification\":{}}", "m-" + UUID.randomUUID());
    assertProblem(surrogate, 422);
    assertEquals("message.data.packageName", TestApi.json(surrogate).path("errors").path(0).path("field").asText());
    assertProblem(anonymous.post("/webhooks/google", "{}"), 401);
  }

  private static void assertProblem(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("").split(";")[0], response.body());
    assertFalse(response.body().contains("Exception"), response.body());
    assertNotNull(TestApi.json(response).path("title").asText(null));
  }

  // ---- helpers ----

  /**
   * What the backend keeps of {@code user}'s events when it dedupes by webhook-id, as the README asks: delivery is at
   * least once, and a delivery whose record could not be written is sent again under the same webhook-id.
   */
  private static List<FakeBackend.Received> delivered(String user) {
    Set<String> seen = new HashSet<>();
    return backend.acceptedFor(user).stream().filter(r -> seen.add(r.webhookId())).toList();
  }

  private static String state(String id) {
    return TestApi.json(api.get("/v1/purchases/" + id)).path("state").asText();
  }

  private static List<JsonNode> entries(String id) {
    var response = api.get("/v1/purchases/" + id + "/history");
    assertEquals(200, response.statusCode(), response.body());
    List<JsonNode> list = new ArrayList<>();
    TestApi.json(response).path("entries").forEach(list::add);
    return list;
  }

  private static List<String> kinds(String id) {
    return entries(id).stream().map(e -> e.path("kind").asText()).toList();
  }

  @Test
  void signedAppleDataThatCannotBeStoredIsRefusedInPlainWordsAndANotificationCarryingItIsIgnoredWithTheReason() throws Exception {
    Instant expires = Instant.now().plus(Duration.ofDays(30));
    long rejectedBefore = auditCount("apple", "verification", "rejected");
    var nul = postApple(signedTransaction(apple, BUNDLE, "Production", newOriginalId(), "p\u0000", expires), "nul-user");
    assertProblem(nul, 422);
    assertTrue(nul.body().contains("productId") && nul.body().contains("NUL"), nul.body());
    Map<String, Object> farFuture = AppleTestPki.transaction(BUNDLE, "Production", Long.toString(TRANSACTION.incrementAndGet()),
        newOriginalId(), "pro.monthly", Instant.now().minusSeconds(30), expires);
    farFuture.put("purchaseDate", 2_534_023_008_000_000L);
    var year = postApple(apple.signedTransaction(farFuture), "year-user");
    assertProblem(year, 422);
    assertTrue(year.body().contains("purchasedAt") && year.body().contains("9999"), year.body());
    assertEquals(rejectedBefore + 2, auditCount("apple", "verification", "rejected"));

    long ignoredBefore = auditCount("apple", "webhook", "ignored");
    long storedBefore = countRows("SELECT count(*) FROM store_notification");
    var badUuid = appleWebhook(apple.signedNotification(AppleTestPki.notification("a\u0000b", "TEST", null, BUNDLE, APP_ID,
        "Production", null)));
    assertEquals(200, badUuid.statusCode(), badUuid.body());
    var badTransaction = appleWebhook(apple.signedNotification(AppleTestPki.notification(UUID.randomUUID().toString(), "DID_RENEW", null,
        BUNDLE, APP_ID, "Production", signedTransaction(apple, BUNDLE, "Production", newOriginalId(), "p\u0000", expires))));
    assertEquals(200, badTransaction.statusCode(), badTransaction.body());
    assertEquals(ignoredBefore + 2, auditCount("apple", "webhook", "ignored"));
    assertEquals(1, countRows("SELECT count(*) FROM purchase_audit WHERE kind = 'webhook' AND outcome = 'ignored'"
        + " AND response LIKE '%notificationUUID contains a NUL%'"), "the reason names the field");
    assertEquals(storedBefore, countRows("SELECT count(*) FROM store_notification"));
  }

  @Test
  void googleAnswersThatCannotBeStoredAreRefusedInPlainWordsAndAudited() throws Exception {
    long rejectedBefore = auditCount("google", "verification", "rejected");
    String nulToken = "gp-nul-" + UUID.randomUUID();
    google.raw(nulToken, """
        {"kind":"androidpublisher#productPurchase","purchaseTimeMillis":"%d","purchaseState":0,"consumptionState":0,
         "orderId":"GPA.1\\u0000","acknowledgementState":0,"regionCode":"US"}""".formatted(Instant.now().toEpochMilli()));
    var nul = api.post("/v1/purchases/google", googleBody("coins.100", nulToken, "product", "nul-user"));
    assertProblem(nul, 422);
    assertTrue(nul.body().contains("transactionId"), nul.body());
    String surrogateToken = "gp-surrogate-" + UUID.randomUUID();
    google.raw(surrogateToken, """
        {"kind":"androidpublisher#productPurchase","purchaseTimeMillis":"%d","purchaseState":0,"consumptionState":0,
         "orderId":"GPA.2","obfuscatedExternalAccountId":"\\ud800","acknowledgementState":0,"regionCode":"US"}"""
        .formatted(Instant.now().toEpochMilli()));
    var surrogate = api.post("/v1/purchases/google", googleBody("coins.100", surrogateToken, "product", "surrogate-user"));
    assertProblem(surrogate, 422);
    assertTrue(surrogate.body().contains("surrogate"), surrogate.body());
    String yearToken = "gp-year-" + UUID.randomUUID();
    google.raw(yearToken, """
        {"kind":"androidpublisher#subscriptionPurchaseV2","startTime":"%s","regionCode":"US","subscriptionState":"SUBSCRIPTION_STATE_ACTIVE",
         "latestOrderId":"GPA.3","acknowledgementState":"ACKNOWLEDGEMENT_STATE_PENDING",
         "lineItems":[{"productId":"pro.yearly","expiryTime":"+10000-01-01T00:00:00Z","latestSuccessfulOrderId":"GPA.3"}]}"""
        .formatted(Instant.now().minusSeconds(60)));
    var year = api.post("/v1/purchases/google", googleBody("pro.yearly", yearToken, "subscription", "year-user"));
    assertProblem(year, 422);
    assertTrue(year.body().contains("expiresAt") && year.body().contains("9999"), year.body());
    assertEquals(rejectedBefore + 3, auditCount("google", "verification", "rejected"));
  }

  @Test
  void aGoogleSubscriptionWithoutOrderIdHasNullTransactionIdsInTheApiAndTheEvent() {
    String token = "gp-no-order-" + UUID.randomUUID();
    String user = "no-order-" + UUID.randomUUID();
    google.raw(token, """
        {"kind":"androidpublisher#subscriptionPurchaseV2","startTime":"%s","regionCode":"US","subscriptionState":"SUBSCRIPTION_STATE_ACTIVE",
         "acknowledgementState":"ACKNOWLEDGEMENT_STATE_PENDING",
         "lineItems":[{"productId":"pro.yearly","expiryTime":"%s"}]}"""
        .formatted(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(365)).truncatedTo(ChronoUnit.SECONDS)));
    var verified = api.post("/v1/purchases/google", googleBody("pro.yearly", token, "subscription", user));
    assertEquals(200, verified.statusCode(), verified.body());
    JsonNode purchase = TestApi.json(verified);
    assertTrue(purchase.path("transactionId").isNull(), purchase.toString());
    assertTrue(purchase.path("originalTransactionId").isNull(), purchase.toString());
    Await.until("the backend receives purchase.verified", WAIT, () -> delivered(user).size() == 1);
    JsonNode data = delivered(user).getFirst().body().path("data");
    assertTrue(data.path("transactionId").isNull(), data.toString());
    assertTrue(data.path("originalTransactionId").isNull(), data.toString());
  }

  @Test
  void aFloodOfRefusedWebhooksIsCountedWithoutGrowingTheAuditTrail() throws Exception {
    long rows = countRows("SELECT count(*) FROM purchase_audit");
    double refusedBefore = refusals("google");
    String hostileReason = "x".repeat(4_000);
    for (int i = 0; i < 300; i++) {
      var response = anonymous.postWithHeader("/webhooks/google", "{}", "Authorization", "Bearer " + hostileReason);
      assertEquals(401, response.statusCode(), response.body());
    }
    assertEquals(rows, countRows("SELECT count(*) FROM purchase_audit"));
    assertEquals(refusedBefore + 300, refusals("google"));
  }

  private static double refusals(String store) {
    String metrics = anonymous.get("/metrics").body();
    return metrics.lines()
        .filter(line -> line.startsWith("relaybox_webhook_refusals_total{") && line.contains("store=\"" + store + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static long auditCount(String store, String kind, String outcome) throws Exception {
    return countRows("SELECT count(*) FROM purchase_audit WHERE store = '" + store + "' AND kind = '" + kind + "' AND outcome = '"
        + outcome + "'");
  }

  private static long countRows(String sql) {
    try (Connection c = DriverManager.getConnection(databaseUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
