package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relaybox.adapters.apple.AppleTestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code RELAYBOX_APPLE_OWNER=appAccountToken}: for an app that sets the StoreKit appAccountToken to its own user id,
 * the token in a notification claims an unclaimed purchase, and a verify by another user gets 409.
 */
class AppleAccountTokenOwnerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String BUNDLE = "dev.relaybox.testapp";
  private static final long APP_ID = 1234567890L;

  private static AppleTestPki apple;
  private static FakeBackend backend;
  private static Relaybox relaybox;
  private static TestApi api;
  private static TestApi anonymous;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("relaybox-apple-owner");
    apple = AppleTestPki.create("Test Apple");
    backend = new FakeBackend();
    Map<String, String> env = TestConfigs.freshDatabase();
    env.putAll(Map.of(
        "RELAYBOX_APPLE_ROOT_CERTS", apple.writeRoot(dir).toString(),
        "RELAYBOX_APPLE_BUNDLE_ID", BUNDLE,
        "RELAYBOX_APPLE_APP_APPLE_ID", Long.toString(APP_ID),
        "RELAYBOX_APPLE_ENVIRONMENT", "Production",
        "RELAYBOX_APPLE_ONLINE_CHECKS", "false",
        "RELAYBOX_APPLE_OWNER", "appAccountToken",
        "RELAYBOX_BACKEND_WEBHOOK_URL", backend.url(),
        "RELAYBOX_BACKEND_WEBHOOK_SECRET", FakeBackend.SECRET,
        "RELAYBOX_BACKEND_RETRY_SCALE", "0.001",
        "RELAYBOX_POLL_INTERVAL", "200ms"));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    anonymous = new TestApi(relaybox.httpPort(), null);
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) {
      relaybox.close();
    }
    backend.close();
  }

  @Test
  void theNotificationsAppAccountTokenOwnsThePurchaseAndAnotherUsersVerifyGets409() {
    String owner = UUID.randomUUID().toString();
    Map<String, Object> tx = AppleTestPki.transaction(BUNDLE, "Production", "3000000001", "3000000000", "pro.monthly",
        Instant.now().minusSeconds(30), Instant.now().plus(Duration.ofDays(30)));
    tx.put("appAccountToken", owner);
    String signed = apple.signedTransaction(tx);
    var accepted = anonymous.post("/webhooks/apple", "{\"signedPayload\":\"" + apple.signedNotification(AppleTestPki.notification(
        UUID.randomUUID().toString(), "SUBSCRIBED", "INITIAL_BUY", BUNDLE, APP_ID, "Production", signed)) + "\"}");
    assertEquals(200, accepted.statusCode(), accepted.body());
    Await.until("the token's user is told", WAIT, () -> backend.acceptedFor(owner).size() == 1);
    assertEquals(List.of("purchase.verified"), backend.acceptedFor(owner).stream().map(FakeBackend.Received::type).toList());

    var other = api.post("/v1/purchases/apple", "{\"signedTransaction\":\"" + signed + "\",\"userId\":\"someone-else\"}");
    assertEquals(409, other.statusCode(), other.body());
    var same = api.post("/v1/purchases/apple", "{\"signedTransaction\":\"" + signed + "\",\"userId\":\"" + owner + "\"}");
    assertEquals(200, same.statusCode(), same.body());
    assertEquals(owner, TestApi.json(same).path("userId").asText());
  }
}
