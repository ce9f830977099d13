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
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
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
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    assertThrows(IllegalArgumentException.class, () -> AppStoreVerifier.create(noAppId, Clock.systemUTC()));
  }
}
