package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relaybox.adapters.google.FakeGoogle;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Relaybox nodes on one database (two wirings, two runners), a loopback Google and a backend that checks
 * signatures: a Pub/Sub notification, the app's verify call and a renewal hit the same Google subscription on both
 * nodes at once.
 */
class PurchaseTwoNodeRaceTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PACKAGE = "dev.relaybox.testapp";
  private static final String AUDIENCE = "https://relaybox.test/webhooks/google";
  private static final String PUSHER = "pubsub-push@relaybox-test.iam.gserviceaccount.com";

  private static FakeGoogle google;
  private static FakeBackend backend;
  private static Relaybox nodeA;
  private static Relaybox nodeB;
  private static TestApi apiA;
  private static TestApi apiB;
  private static TestApi pushA;
  private static TestApi pushB;
  private static String databaseUrl;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("relaybox-race");
    google = new FakeGoogle();
    backend = new FakeBackend();
    Map<String, String> env = TestConfigs.freshDatabase();
    databaseUrl = env.get("DATABASE_URL");
    env.putAll(Map.of(
        "RELAYBOX_GOOGLE_SERVICE_ACCOUNT_FILE", google.writeServiceAccount(dir).toString(),
        "RELAYBOX_GOOGLE_API_ROOT_URL", google.baseUrl(),
        "RELAYBOX_GOOGLE_TOKEN_URL", google.tokenUrl(),
        "RELAYBOX_GOOGLE_PUSH_AUDIENCE", AUDIENCE,
        "RELAYBOX_GOOGLE_PUSH_SERVICE_ACCOUNT", PUSHER,
        "RELAYBOX_GOOGLE_PUSH_CERTS_URL", google.certsUrl(),
        "RELAYBOX_BACKEND_WEBHOOK_URL", backend.url(),
        "RELAYBOX_BACKEND_WEBHOOK_SECRET", FakeBackend.SECRET,
        "RELAYBOX_BACKEND_RETRY_SCALE", "0.001",
        "RELAYBOX_POLL_INTERVAL", "200ms"));
    env.putAll(Map.of("RELAYBOX_GOOGLE_ACK_SWEEP_AFTER", "1s", "RELAYBOX_GOOGLE_ACK_SWEEP_INTERVAL", "500ms"));
    Map<String, String> a = new HashMap<>(env);
    a.put("RELAYBOX_NODE_ID", "race-node-a");
    Map<String, String> b = new HashMap<>(env);
    b.put("RELAYBOX_NODE_ID", "race-node-b");
    nodeA = Relaybox.start(RelayboxConfig.from(a), Clock.systemUTC());
    nodeB = Relaybox.start(RelayboxConfig.from(b), Clock.systemUTC());
    apiA = new TestApi(nodeA.httpPort(), TestConfigs.API_KEY);
    apiB = new TestApi(nodeB.httpPort(), TestConfigs.API_KEY);
    pushA = new TestApi(nodeA.httpPort(), null);
    pushB = new TestApi(nodeB.httpPort(), null);
  }

  @AfterAll
  static void stop() {
    for (Relaybox node : new Relaybox[] {nodeA, nodeB}) {
      if (node != null) {
        node.close();
      }
    }
    google.close();
    backend.close();
  }

  private static HttpResponse<String> verify(TestApi api, String token, String user) {
    return api.post("/v1/purchases/google", "{\"packageName\":\"" + PACKAGE + "\",\"productId\":\"pro.monthly\",\"purchaseToken\":\""
        + token + "\",\"type\":\"subscription\",\"userId\":\"" + user + "\"}");
  }

  private static HttpResponse<String> push(TestApi api, String token, int notificationType, String messageId) {
    String rtdn = "{\"version\":\"1.0\",\"packageName\":\"" + PACKAGE + "\",\"eventTimeMillis\":\"" + Instant.now().toEpochMilli()
        + "\",\"subscriptionNotification\":{\"version\":\"1.0\",\"notificationType\":" + notificationType + ",\"purchaseToken\":\""
        + token + "\",\"subscriptionId\":\"pro.monthly\"}}";
    String body = "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(rtdn.getBytes(StandardCharsets.UTF_8))
        + "\",\"messageId\":\"" + messageId + "\",\"publishTime\":\"" + Instant.now() + "\"},\"subscription\":\"projects/p/subscriptions/s\"}";
    return api.postWithHeader("/webhooks/google", body, "Authorization",
        "Bearer " + google.oidcToken(AUDIENCE, PUSHER, Instant.now().plusSeconds(600)));
  }

  /** Runs the calls at the same moment and returns their answers in order. */
  private static List<HttpResponse<String>> race(List<Callable<HttpResponse<String>>> calls) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (Callable<HttpResponse<String>> call : calls) {
        futures.add(pool.submit(() -> {
          go.await();
          return call.call();
        }));
      }
      go.countDown();
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        answers.add(f.get());
      }
      return answers;
    }
  }

  @Test
  void aNotificationAVerifyAndARenewalRacingOnTwoNodesGiveOneOwnerOneAcknowledgementAndEventsInOrder() throws Exception {
    String token = "gp-race-" + UUID.randomUUID();
    String user = "race-user-" + UUID.randomUUID();
    Instant firstExpiry = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    google.subscription(token, "pro.monthly", "SUBSCRIPTION_STATE_ACTIVE", firstExpiry, false);

    // SUBSCRIPTION_PURCHASED reaches node A while the app verifies on node B and retries on node A
    List<HttpResponse<String>> first = race(List.of(
        () -> push(pushA, token, 4, "race-" + UUID.randomUUID()),
        () -> verify(apiB, token, user),
        () -> verify(apiA, token, user)));
    assertEquals(204, first.get(0).statusCode(), first.get(0).body());
    assertEquals(200, first.get(1).statusCode(), first.get(1).body());
    assertEquals(200, first.get(2).statusCode(), first.get(2).body());
    String id = TestApi.json(first.get(1)).path("id").asText();
    assertEquals(id, TestApi.json(first.get(2)).path("id").asText());
    Await.until("Google is acknowledged", WAIT, () -> google.acknowledgements(token) >= 1);

    // the renewal: Google's answer moves on; SUBSCRIPTION_RENEWED is delivered to both nodes (a Pub/Sub redelivery)
    Instant renewedExpiry = firstExpiry.plus(Duration.ofDays(30));
    google.subscription(token, "pro.monthly", "SUBSCRIPTION_STATE_ACTIVE", renewedExpiry, true);
    String renewal = "race-renewal-" + UUID.randomUUID();
    List<HttpResponse<String>> second = race(List.of(
        () -> push(pushB, token, 2, renewal),
        () -> push(pushA, token, 2, renewal),
        () -> verify(apiA, token, user)));
    assertEquals(204, second.get(0).statusCode());
    assertEquals(204, second.get(1).statusCode());
    assertEquals(200, second.get(2).statusCode(), second.get(2).body());

    Await.until("the backend hears verified then renewed", WAIT, () -> backend.acceptedFor(user).size() >= 2,
        () -> backend.acceptedFor(user).toString());
    Thread.sleep(2_000);
    // As a receiver dedupes by webhook-id: a delivery whose answer was lost under load is sent again (at least once);
    // that no second event was published is checked on the outbox below.
    List<FakeBackend.Received> received = new ArrayList<>(backend.acceptedFor(user).stream()
        .collect(Collectors.toMap(FakeBackend.Received::webhookId, r -> r, (earlier, again) -> earlier, LinkedHashMap::new))
        .values());
    assertEquals(List.of("purchase.verified", "purchase.renewed"), received.stream().map(FakeBackend.Received::type).toList(),
        "one verified, then the renewal, in order");
    assertEquals(renewedExpiry, Instant.parse(received.get(1).body().path("data").path("expiresAt").asText()));
    assertEquals(0, backend.badSignatures());

    assertEquals(1, google.acknowledgements(token), "one acknowledgement, whatever path and node learned of the purchase");
    assertEquals(List.of(id + " " + user), rows("SELECT id || ' ' || user_id FROM purchase WHERE store_key = '" + token + "'"),
        "one purchase, one owner");
    assertEquals(1, rows("SELECT id FROM store_notification WHERE external_id = '" + renewal + "'").size());
    assertEquals(409, verify(apiB, token, "someone-else").statusCode(), "a later verify by another user is refused");
    assertEquals(List.of("purchase.verified", "purchase.renewed"),
        rows("SELECT event_type FROM outbox_event WHERE headers ->> 'purchaseId' = '" + id + "' ORDER BY id"),
        "no other event was published");
  }

  private static List<String> rows(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(databaseUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}
