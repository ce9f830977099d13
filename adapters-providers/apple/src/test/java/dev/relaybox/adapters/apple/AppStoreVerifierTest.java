package dev.relaybox.adapters.apple;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.purchase.port.out.AppStoreNotifications;
import dev.relaybox.application.purchase.port.out.VerificationRequest;
import dev.relaybox.application.purchase.port.out.VerificationResult;
import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.purchase.StoreStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real SignedDataVerifier against a PKI built in the test. */
class AppStoreVerifierTest {
  private static final String BUNDLE = "dev.relaybox.testapp";
  private static final long APP_ID = 1234567890L;
  @TempDir
  static Path dir;
  private static AppleTestPki apple;
  private static AppleTestPki stranger;
  private static AppStoreVerifier production;

  @BeforeAll
  static void setUp() throws Exception {
    apple = AppleTestPki.create("Test Apple");
    stranger = AppleTestPki.create("Stranger");
    production = AppStoreVerifier.create(settings("Production", false), Clock.systemUTC());
  }

  private static AppleStoreSettings settings(String environment, boolean allowUnverified) throws Exception {
    return new AppleStoreSettings(List.of(apple.writeRoot(dir)), BUNDLE, Optional.of(APP_ID), environment, allowUnverified,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
  }

  private static String transaction(String bundle, String env, AppleTestPki pki) {
    Instant now = Instant.now();
    return pki.signedTransaction(AppleTestPki.transaction(bundle, env, "2000000001", "2000000000", "pro.monthly", now,
        now.plus(Duration.ofDays(30))));
  }

  @Test
  void verifiesASignedSubscriptionTransaction() {
    var result = production.verify(new VerificationRequest.AppleSignedTransaction(transaction(BUNDLE, "Production", apple)));
    var verified = assertInstanceOf(VerificationResult.Verified.class, result);
    assertEquals("2000000000", verified.transaction().storeKey());
    assertEquals(PurchaseKind.SUBSCRIPTION, verified.transaction().kind());
    assertEquals(StoreStatus.ACTIVE, verified.transaction().status());
    assertEquals(Optional.of(9_990_000L), verified.transaction().amountMicros());
    assertEquals("Production", verified.transaction().environment());
  }

  @Test
  void refusesTamperedSignatureUnknownRootWrongBundleAndSandboxInProduction() {
    assertRejected(AppleTestPki.tamper(transaction(BUNDLE, "Production", apple)), "signature");
    assertRejected(transaction(BUNDLE, "Production", stranger), "certificate chain");
    assertRejected(transaction("com.other.app", "Production", apple), "bundle id");
    assertRejected(transaction(BUNDLE, "Sandbox", apple), "environment");
  }

  private static void assertRejected(String jws, String reason) {
    var result = production.verify(new VerificationRequest.AppleSignedTransaction(jws));
    var rejected = assertInstanceOf(VerificationResult.Rejected.class, result);
    assertTrue(rejected.reason().contains(reason), rejected.reason());
  }

  @Test
  void verifiesANotificationAndItsTransaction() throws Exception {
    String payload = apple.signedNotification(AppleTestPki.notification("0b1c6f0e-8f2a-4c55-9a57-6f1e5d4c3b2a", "DID_RENEW", null,
        BUNDLE, APP_ID, "Production", transaction(BUNDLE, "Production", apple)));
    var notification = production.verify(payload);
    assertEquals("DID_RENEW", notification.type());
    assertEquals("2000000000", notification.transaction().orElseThrow().storeKey());
    assertTrue(notification.decodedJson().contains("\"notificationType\":\"DID_RENEW\""));
  }

  @Test
  void refusesNotificationsFromAnotherAppOrRoot() {
    String wrongApp = apple.signedNotification(AppleTestPki.notification("a", "TEST", null, BUNDLE, 42L, "Production", null));
    assertThrows(AppStoreNotifications.NotificationRejected.class, () -> production.verify(wrongApp));
    String strangerSigned = stranger.signedNotification(AppleTestPki.notification("b", "TEST", null, BUNDLE, APP_ID, "Production", null));
    assertThrows(AppStoreNotifications.NotificationRejected.class, () -> production.verify(strangerSigned));
  }

  @Test
  void refusesUnverifiedEnvironmentsUnlessAllowed() throws Exception {
    var xcode = settings("Xcode", false);
    assertThrows(IllegalArgumentException.class, () -> AppStoreVerifier.create(xcode, Clock.systemUTC()));
    AppStoreVerifier.create(settings("Xcode", true), Clock.systemUTC());
    var noAppId = new AppleStoreSettings(List.of(apple.writeRoot(dir)), BUNDLE, Optional.empty(), "Production", false,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
    assertThrows(IllegalArgumentException.class, () -> AppStoreVerifier.create(noAppId, Clock.systemUTC()));
  }

  @Test
  void aValidlySignedNotificationWhoseTransactionNamesNoIdsIsAcceptedAndSaysWhyItCannotBeApplied() throws Exception {
    String mock = apple.signedTransaction(AppleTestPki.mockTransaction(BUNDLE, "Production"));
    var notification = production.verify(apple.signedNotification(AppleTestPki.notification("5b8a3c52-1d3e-4f0a-b7a2-0c9d8e7f6a51",
        "SUBSCRIBED", "INITIAL_BUY", BUNDLE, APP_ID, "Production", mock)));
    assertTrue(notification.transaction().isEmpty());
    assertEquals(Optional.of("the signed transaction names no transactionId or originalTransactionId"), notification.unusableTransaction());
    assertTrue(notification.decodedJson().contains("\"transactionInfo\":{\"bundleId\":\"" + BUNDLE + "\""), notification.decodedJson());

    var verify = assertInstanceOf(VerificationResult.Rejected.class, production.verify(new VerificationRequest.AppleSignedTransaction(mock)));
    assertEquals("the signed transaction names no transactionId or originalTransactionId", verify.reason());
    Map<String, Object> noProduct = AppleTestPki.mockTransaction(BUNDLE, "Production");
    noProduct.put("transactionId", "2000000042");
    var noProductResult = production.verify(new VerificationRequest.AppleSignedTransaction(apple.signedTransaction(noProduct)));
    assertEquals("the signed transaction names no productId", assertInstanceOf(VerificationResult.Rejected.class, noProductResult).reason());
  }

  @Test
  void keepsTheWholeDecodedNotificationSummaryExternalPurchaseTokenAndRenewalInfo() throws Exception {
    var summary = production.verify(apple.signedNotification(AppleTestPki.summaryNotification("9c4a0f37-61c2-4d0e-8f7b-2e5d4c3b2a10",
        BUNDLE, APP_ID, "Production")));
    assertEquals("RENEWAL_EXTENSION", summary.type());
    assertEquals("SUMMARY", summary.subtype());
    assertTrue(summary.decodedJson().contains("\"succeededCount\":5"), summary.decodedJson());
    assertTrue(summary.decodedJson().contains("\"storefrontCountryCodes\":[\"CAN\",\"USA\",\"MEX\"]"), summary.decodedJson());

    var external = production.verify(apple.signedNotification(AppleTestPki.externalPurchaseTokenNotification(
        "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6", BUNDLE, APP_ID)));
    assertEquals("EXTERNAL_PURCHASE_TOKEN", external.type());
    assertTrue(external.decodedJson().contains("\"externalPurchaseId\":\"b2158121-7af9-49d4-9561-1f588205523e\""), external.decodedJson());

    Instant now = Instant.now();
    Map<String, Object> lapsed = AppleTestPki.transaction(BUNDLE, "Production", "2000000101", "2000000100", "pro.monthly",
        now.minus(Duration.ofDays(31)), now.minus(Duration.ofHours(1)));
    Map<String, Object> payload = AppleTestPki.notification("3e2d1c0b-9a8f-4e7d-a6c5-b4a392817060", "DID_FAIL_TO_RENEW", "GRACE_PERIOD",
        BUNDLE, APP_ID, "Production", apple.signedTransaction(lapsed));
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) payload.get("data");
    data.put("signedRenewalInfo", apple.sign(AppleTestPki.renewalInfo("Production", "2000000100", "pro.monthly", now.plus(Duration.ofDays(6)))));
    var grace = production.verify(apple.signedNotification(payload));
    assertEquals(StoreStatus.ACTIVE, grace.transaction().orElseThrow().status(), "in the billing grace period the user keeps access");
    assertTrue(grace.decodedJson().contains("\"renewalInfo\":{"), grace.decodedJson());
    assertTrue(grace.decodedJson().contains("\"gracePeriodExpiresDate\""), grace.decodedJson());
  }

  @Test
  void garbageThatIsNotAppStoreDataIsRefusedInPlainWords() {
    var result = production.verify(new VerificationRequest.AppleSignedTransaction("a.b.c"));
    var rejected = assertInstanceOf(VerificationResult.Rejected.class, result);
    assertTrue(!rejected.reason().contains("Exception"), rejected.reason());
    var thrown = assertThrows(AppStoreNotifications.NotificationRejected.class, () -> production.verify("e30.e30.e30"));
    assertTrue(!thrown.getMessage().contains("Exception"), thrown.getMessage());
  }
}
