package dev.relaybox.application.purchase;

import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import dev.relaybox.application.purchase.port.in.GooglePush;
import dev.relaybox.application.purchase.port.in.PurchaseRejectedException;
import dev.relaybox.application.purchase.port.in.ReceiveStoreNotificationUseCase;
import dev.relaybox.application.purchase.port.in.StoreNotConfiguredException;
import dev.relaybox.application.purchase.port.in.StoreUnavailableException;
import dev.relaybox.application.purchase.port.out.AppStoreNotifications;
import dev.relaybox.application.purchase.port.out.AppStoreNotifications.AppleNotification;
import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import dev.relaybox.application.purchase.port.out.WebhookRefusals;
import dev.relaybox.application.purchase.port.out.Purchases;
import dev.relaybox.application.purchase.port.out.PushAuthenticator;
import dev.relaybox.application.purchase.port.out.StoreNotifications;
import dev.relaybox.application.purchase.port.out.StoreNotifications.StoredNotification;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.shared.EventType;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Intake of store webhooks. A verified notification is stored raw and decoded, audited and published to the outbox in
 * one transaction; a replay of the same store id is answered the same way but changes nothing.
 */
public final class StoreNotificationService implements ReceiveStoreNotificationUseCase {
  public static final EventType APPLE_NOTIFICATION = new EventType("store.apple_notification");
  public static final EventType GOOGLE_NOTIFICATION = new EventType("store.google_notification");
  static final java.time.Duration UNVERIFIABLE_RETRY_AFTER = java.time.Duration.ofMinutes(1);

  private final UnitOfWork unitOfWork;
  private final StoreNotifications notifications;
  private final Purchases purchases;
  private final PurchaseAudit audit;
  private final Outbox outbox;
  private final Optional<AppStoreNotifications> apple;
  private final Optional<PushAuthenticator> googlePush;
  private final dev.relaybox.domain.shared.TimeOrderedIds ids;
  private final Clock clock;
  private final WebhookRefusals refusals;
  private final Payloads payloads;

  public StoreNotificationService(UnitOfWork unitOfWork, StoreNotifications notifications, Purchases purchases, PurchaseAudit audit,
      Outbox outbox, Payloads payloads, Optional<AppStoreNotifications> apple, Optional<PushAuthenticator> googlePush,
      dev.relaybox.domain.shared.TimeOrderedIds ids, Clock clock, WebhookRefusals refusals) {
    this.refusals = refusals;
    this.payloads = payloads;
    this.unitOfWork = unitOfWork;
    this.notifications = notifications;
    this.purchases = purchases;
    this.audit = audit;
    this.outbox = outbox;
    this.apple = apple;
    this.googlePush = googlePush;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public boolean receiveApple(String rawBody, String signedPayload) {
    AppStoreNotifications verifier = apple.orElseThrow(() -> new StoreNotConfiguredException("apple"));
    Instant now = clock.instant();
    AppleNotification decoded;
    try {
      decoded = verifier.verify(signedPayload);
    } catch (AppStoreNotifications.NotificationRejected e) {
      refusals.refused("apple", e.getMessage());
      throw new PurchaseRejectedException(e.getMessage());
    } catch (AppStoreNotifications.VerificationUnavailable e) {
      audit.appendAlone(new AuditEntry(ids.next(), Optional.empty(), "apple", "payload:" + digest(signedPayload), "webhook", "unavailable",
          "App Store Server Notification (" + signedPayload.length() + " chars)", e.getMessage(), Optional.empty(), Optional.empty(), now));
      throw new StoreUnavailableException(e.getMessage(), UNVERIFIABLE_RETRY_AFTER);
    }
    Optional<String> unstorable = StoreDataCheck.refusal(decoded);
    if (unstorable.isPresent()) {
      // signed by Apple, so answered 200 (Apple would retry a refusal for days) and audited with the reason
      audit.appendAlone(new AuditEntry(ids.next(), Optional.empty(), "apple", "payload:" + digest(signedPayload), "webhook", "ignored",
          "App Store Server Notification (" + signedPayload.length() + " chars)", unstorable.get(), Optional.empty(), Optional.empty(), now));
      return false;
    }
    Map<String, String> facts = new HashMap<>();
    decoded.transaction().ifPresent(tx -> facts.putAll(TransactionFacts.of(tx)));
    decoded.unusableTransaction().ifPresent(reason -> facts.put(TransactionFacts.UNUSABLE, reason));
    facts.put("subtype", decoded.subtype());
    facts.put("environment", decoded.environment());
    String storeKey = decoded.transaction().map(tx -> tx.storeKey()).orElse(decoded.notificationUuid());
    String summary = decoded.type() + (decoded.subtype().isEmpty() ? "" : "/" + decoded.subtype()) + " " + decoded.environment();
    Optional<Purchase> purchase = decoded.transaction().flatMap(tx -> purchases.findByStoreKey(Store.APPLE, tx.storeKey()));
    return record(new StoredNotification(ids.next(), "apple", decoded.notificationUuid(), decoded.type(), rawBody,
        decoded.decodedJson(), facts, now, Optional.empty()), APPLE_NOTIFICATION, storeKey, purchase, summary);
  }

  @Override
  public void authenticateGooglePush(Optional<String> bearerToken) {
    PushAuthenticator authenticator = googlePush.orElseThrow(() -> new StoreNotConfiguredException("google"));
    Optional<String> refusal = authenticator.refusal(bearerToken);
    if (refusal.isPresent()) {
      refusals.refused("google", refusal.get());
      throw new PurchaseRejectedException(refusal.get());
    }
  }

  @Override
  public boolean receiveGoogle(String rawBody, GooglePush push) {
    googlePush.orElseThrow(() -> new StoreNotConfiguredException("google"));
    Instant now = clock.instant();
    Map<String, String> facts = new HashMap<>();
    facts.put("packageName", push.packageName());
    facts.put("notification", push.notification());
    facts.put("notificationType", Integer.toString(push.notificationType()));
    push.purchaseToken().ifPresent(v -> facts.put("purchaseToken", v));
    push.productId().ifPresent(v -> facts.put("productId", v));
    push.kind().ifPresent(v -> facts.put("kind", v.wire()));
    String storeKey = push.purchaseToken().orElse(push.messageId());
    Optional<Purchase> purchase = push.purchaseToken().flatMap(token -> purchases.findByStoreKey(Store.GOOGLE, token));
    return record(new StoredNotification(ids.next(), "google", push.messageId(), push.notification() + ":" + push.notificationType(),
        rawBody, push.decodedJson(), facts, now, Optional.empty()), GOOGLE_NOTIFICATION, storeKey, purchase,
        "RTDN " + push.notification() + " type " + push.notificationType());
  }

  private boolean record(StoredNotification notification, EventType type, String storeKey, Optional<Purchase> purchase, String summary) {
    return unitOfWork.inTransaction(() -> {
      boolean fresh = notifications.addIfNew(notification);
      audit.append(new AuditEntry(ids.next(), purchase.map(Purchase::id), notification.store(), storeKey, "webhook",
          fresh ? "accepted" : "duplicate", notification.store() + " notification " + notification.externalId(), summary,
          Optional.empty(), Optional.empty(), notification.receivedAt()));
      if (fresh) {
        outbox.publish(new OutboxEvent(ids.next(), type, storeKey,
            payloads.write(new ApplyStoreNotification.Payload(notification.id())), Map.of()));
      }
      return fresh;
    });
  }


  private static String digest(String value) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
