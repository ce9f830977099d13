package dev.relaybox.adapters.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.purchase.port.out.VerificationRequest;
import dev.relaybox.application.purchase.port.out.VerificationResult;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.purchase.StoreStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Google's own clients against the loopback fake: service-account token exchange, Play API calls, OIDC push tokens. */
class GooglePlayVerifierTest {
  private static final String PACKAGE = "dev.relaybox.testapp";
  private static final String AUDIENCE = "https://relaybox.test/webhooks/google";
  private static final String PUSHER = "pubsub-push@relaybox-test.iam.gserviceaccount.com";
  @TempDir
  static Path dir;
  private static FakeGoogle google;
  private static GooglePlayVerifier verifier;
  private static OidcPushAuthenticator push;

  @BeforeAll
  static void start() throws Exception {
    google = new FakeGoogle();
    verifier = GooglePlayVerifier.create(new GooglePlaySettings(google.writeServiceAccount(dir), Optional.of(google.baseUrl()),
        Optional.of(google.tokenUrl()), Duration.ofSeconds(5)), Clock.systemUTC());
    push = new OidcPushAuthenticator(AUDIENCE, PUSHER, Optional.of(google.certsUrl()));
  }

  @AfterAll
  static void stop() {
    google.close();
  }

  @Test
  void verifiesAProductAndASubscriptionWithAServiceAccountToken() {
    google.product("product-token-000001", 0, false, null, null);
    var product = assertInstanceOf(VerificationResult.Verified.class,
        verifier.verify(new VerificationRequest.GooglePurchase(PACKAGE, "coins.100", "product-token-000001", PurchaseKind.PRODUCT)));
    assertEquals(StoreStatus.ACTIVE, product.transaction().status());
    assertEquals("Production", product.transaction().environment());
    Instant expiry = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    google.subscription("sub-token-0000001", "pro.monthly", "SUBSCRIPTION_STATE_ACTIVE", expiry, false);
    var sub = assertInstanceOf(VerificationResult.Verified.class,
        verifier.verify(new VerificationRequest.GooglePurchase(PACKAGE, "pro.monthly", "sub-token-0000001", PurchaseKind.SUBSCRIPTION)));
    assertEquals(Optional.of(expiry), sub.transaction().expiresAt());
    assertTrue(google.tokensIssued() >= 1, "the service account exchanged a JWT for an access token");
  }

  @Test
  void unknownTokenIsRejectedAndAnOutageIsUnavailable() {
    assertInstanceOf(VerificationResult.Rejected.class,
        verifier.verify(new VerificationRequest.GooglePurchase(PACKAGE, "coins.100", "unknown-token-0001", PurchaseKind.PRODUCT)));
    google.failWith(503);
    try {
      assertInstanceOf(VerificationResult.Unavailable.class,
          verifier.verify(new VerificationRequest.GooglePurchase(PACKAGE, "coins.100", "product-token-000001", PurchaseKind.PRODUCT)));
      assertInstanceOf(Outcome.Retry.class, verifier.acknowledge(PACKAGE, "coins.100", "product-token-000001", PurchaseKind.PRODUCT));
    } finally {
      google.failWith(0);
    }
    assertInstanceOf(Outcome.Done.class, verifier.acknowledge(PACKAGE, "coins.100", "product-token-000001", PurchaseKind.PRODUCT));
    assertEquals(1, google.acknowledgements("product-token-000001"));
  }

  @Test
  void pushTokensAreCheckedForSignatureAudienceIssuerAccountAndExpiry() {
    Instant later = Instant.now().plusSeconds(600);
    assertEquals(Optional.empty(), push.refusal(Optional.of(google.oidcToken(AUDIENCE, PUSHER, later))));
    assertTrue(push.refusal(Optional.of(google.oidcToken(AUDIENCE, PUSHER, Instant.now().minusSeconds(60)))).isPresent(), "expired");
    assertTrue(push.refusal(Optional.of(google.oidcToken("https://elsewhere.test", PUSHER, later))).isPresent(), "audience");
    assertTrue(push.refusal(Optional.of(google.oidcToken(AUDIENCE, "someone@else.test", later))).isPresent(), "email");
    assertTrue(push.refusal(Optional.of(google.oidcToken("https://evil.test", AUDIENCE, PUSHER, later, true))).isPresent(), "issuer");
    assertTrue(push.refusal(Optional.of(google.oidcToken("https://accounts.google.com", AUDIENCE, PUSHER, later, false))).isPresent(),
        "signature");
    assertTrue(push.refusal(Optional.empty()).isPresent());
    assertTrue(push.refusal(Optional.of("not.a.jwt")).isPresent());
  }

  @Test
  void aCanceledProductIsCanceledInGooglesWordsAndAPendingOneIsPending() {
    google.product("canceled-token-0001", 1, false, null, null);
    var canceled = assertInstanceOf(VerificationResult.Verified.class,
        verifier.verify(new VerificationRequest.GooglePurchase(PACKAGE, "coins.100", "canceled-token-0001", PurchaseKind.PRODUCT)));
    assertEquals(StoreStatus.CANCELED, canceled.transaction().status());
    assertEquals(Optional.of("Google Play says the purchase was canceled (purchaseState 1)"), canceled.transaction().statusDetail());
    assertEquals(Optional.of(PACKAGE), canceled.transaction().appId());
    google.product("pending-token-00001", 2, false, null, null);
    var pending = assertInstanceOf(VerificationResult.Verified.class,
        verifier.verify(new VerificationRequest.GooglePurchase(PACKAGE, "coins.100", "pending-token-00001", PurchaseKind.PRODUCT)));
    assertEquals(StoreStatus.PENDING, pending.transaction().status());
  }

  @Test
  void aCanceledSubscriptionKeepsAccessUntilItsExpiryAndACanceledPendingOneWasNeverPaid() {
    google.subscription("sub-canceled-00001", "pro.monthly", "SUBSCRIPTION_STATE_CANCELED", Instant.now().plus(Duration.ofDays(3)), true);
    assertEquals(StoreStatus.ACTIVE, subscription("sub-canceled-00001").status());
    google.subscription("sub-canceled-00002", "pro.monthly", "SUBSCRIPTION_STATE_CANCELED", Instant.now().minusSeconds(60), true);
    assertEquals(StoreStatus.EXPIRED, subscription("sub-canceled-00002").status());
    google.subscription("sub-pending-x-0001", "pro.monthly", "SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED", Instant.now(), false);
    assertEquals(StoreStatus.CANCELED, subscription("sub-pending-x-0001").status());
  }

  private static dev.relaybox.domain.purchase.StoreTransaction subscription(String token) {
    return assertInstanceOf(VerificationResult.Verified.class,
        verifier.verify(new VerificationRequest.GooglePurchase(PACKAGE, "pro.monthly", token, PurchaseKind.SUBSCRIPTION))).transaction();
  }

  @Test
  void anUnreadableAnswerIsRefusedAndAnUnreachableGoogleIsUnavailableInPlainWords() throws Exception {
    google.raw("garbled-token-0001", "{\"kind\":\"androidpublisher#subscriptionPurchaseV2\",\"subscriptionState\":\"SUBSCRIPTION_STATE_ACTIVE\","
        + "\"lineItems\":[{\"productId\":\"pro.monthly\",\"expiryTime\":\"next tuesday\"}]}");
    var garbled = assertInstanceOf(VerificationResult.Rejected.class,
        verifier.verify(new VerificationRequest.GooglePurchase(PACKAGE, "pro.monthly", "garbled-token-0001", PurchaseKind.SUBSCRIPTION)));
    assertFalse(garbled.reason().contains("Exception"), garbled.reason());

    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    var nowhere = GooglePlayVerifier.create(new GooglePlaySettings(google.writeServiceAccount(dir),
        Optional.of("http://127.0.0.1:" + closedPort + "/"), Optional.of(google.tokenUrl()), Duration.ofSeconds(2)), Clock.systemUTC());
    var down = assertInstanceOf(VerificationResult.Unavailable.class,
        nowhere.verify(new VerificationRequest.GooglePurchase(PACKAGE, "coins.100", "product-token-000001", PurchaseKind.PRODUCT)));
    assertEquals("Google Play API could not be reached (connection refused)", down.reason());
    var retry = assertInstanceOf(Outcome.Retry.class, nowhere.acknowledge(PACKAGE, "coins.100", "product-token-000001", PurchaseKind.PRODUCT));
    assertFalse(retry.reason().contains("Exception"), retry.reason());
  }

  @Test
  void concurrentFirstPushesAreAllAcceptedWhileTheKeysAreFetched() throws Exception {
    var fresh = new OidcPushAuthenticator(AUDIENCE, PUSHER, Optional.of(google.certsUrl()));
    String token = google.oidcToken(AUDIENCE, PUSHER, Instant.now().plusSeconds(600));
    var go = new java.util.concurrent.CountDownLatch(1);
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var answers = new java.util.ArrayList<java.util.concurrent.Future<Optional<String>>>();
      for (int i = 0; i < 8; i++) {
        answers.add(pool.submit(() -> {
          go.await();
          return fresh.refusal(Optional.of(token));
        }));
      }
      go.countDown();
      for (var answer : answers) {
        assertEquals(Optional.empty(), answer.get());
      }
    }
  }
}
