package dev.relaybox.application.purchase;

import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import dev.relaybox.application.purchase.port.out.PurchaseVerifier;
import dev.relaybox.application.purchase.port.out.Purchases;
import dev.relaybox.application.purchase.port.out.StoreNotifications;
import dev.relaybox.application.purchase.port.out.StoreNotifications.StoredNotification;
import dev.relaybox.application.purchase.port.out.VerificationRequest;
import dev.relaybox.application.purchase.port.out.VerificationResult;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.purchase.PurchaseState;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.purchase.StoreStatus;
import dev.relaybox.domain.purchase.StoreTransaction;
import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.domain.shared.StorableText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a stored store notification once. Apple: REFUND and REVOKE revoke, DID_RENEW extends, EXPIRED and
 * GRACE_PERIOD_EXPIRED expire, TEST is logged, other types refresh from the signed transaction (a billing grace period
 * keeps it entitled). Google: RTDN only says that something changed, so the purchase is fetched from the Play Developer
 * API and its state applied; SUBSCRIPTION_REVOKED revokes; a voided purchase is refunded. A notification never names
 * the owner: a purchase first seen here is recorded without one until the app's verify call claims it. The effect, the notification's applied mark and the job's completion commit together; FIFO
 * per store key keeps one purchase's notifications in order.
 */
public final class ApplyStoreNotification implements JobHandler {
  public static final String SUBSCRIPTION = "purchase.store-notifications";
  private static final Logger LOG = LoggerFactory.getLogger(ApplyStoreNotification.class);

  private final UnitOfWork unitOfWork;
  private final Payloads payloads;
  private final StoreNotifications notifications;
  private final Purchases purchases;
  private final PurchaseAudit audit;
  private final PurchaseLedger ledger;
  private final Jobs jobs;
  private final Optional<PurchaseVerifier> google;
  private final TimeOrderedIds ids;
  private final Clock clock;

  public ApplyStoreNotification(UnitOfWork unitOfWork, StoreNotifications notifications, Purchases purchases, PurchaseAudit audit,
      PurchaseLedger ledger, Jobs jobs, Payloads payloads, Optional<PurchaseVerifier> google, TimeOrderedIds ids, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.payloads = payloads;
    this.notifications = notifications;
    this.purchases = purchases;
    this.audit = audit;
    this.ledger = ledger;
    this.jobs = jobs;
    this.google = google;
    this.ids = ids;
    this.clock = clock;
  }

  /** The data of a {@code store.*} event: the stored notification to apply. */
  record Payload(UUID notificationId) {
    Payload {
      Objects.requireNonNull(notificationId, "notificationId");
    }
  }

  public static Subscription subscription() {
    return new Subscription(SUBSCRIPTION, Optional.of(new EventFilter("store.*")),
        new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(30), 50), 8, true, Duration.ofSeconds(60));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    UUID id = payloads.read(job.payloadJson(), Payload.class).notificationId();
    Optional<StoredNotification> found = notifications.find(id);
    if (found.isEmpty()) {
      return Outcome.fail("notification " + id + " does not exist");
    }
    StoredNotification n = found.get();
    if (n.appliedAt().isPresent()) {
      return Outcome.done();
    }
    return n.store().equals("apple") ? applyApple(job, n) : applyGoogle(job, n);
  }

  private Outcome applyApple(ClaimedJob job, StoredNotification n) {
    Optional<StoreTransaction> tx = TransactionFacts.from(n.facts());
    String cause = "apple " + n.type() + (n.facts().getOrDefault("subtype", "").isEmpty() ? "" : "/" + n.facts().get("subtype")) + " "
        + n.externalId();
    Optional<PurchaseState> forced = switch (n.type()) {
      case "REFUND", "REVOKE" -> Optional.of(PurchaseState.REVOKED);
      case "EXPIRED", "GRACE_PERIOD_EXPIRED" -> Optional.of(PurchaseState.EXPIRED);
      default -> Optional.empty();
    };
    if (n.type().equals("TEST") || tx.isEmpty()) {
      Optional<String> unusable = Optional.ofNullable(n.facts().get(TransactionFacts.UNUSABLE));
      LOG.info("apple {} notification {} ({}) received; nothing to apply{}", StorableText.forLog(n.type()),
          StorableText.forLog(n.externalId()), StorableText.forLog(n.facts().get("environment")),
          StorableText.forLog(unusable.map(u -> ": " + u).orElse("")));
      return finish(job, n, () -> unusable.ifPresent(reason -> audit.append(new AuditEntry(ids.next(), Optional.empty(), "apple",
          n.externalId(), "webhook", "ignored", cause, reason, Optional.empty(), Optional.empty(), clock.instant()))));
    }
    return finish(job, n, () -> ledger.apply(tx.get(), Optional.empty(), forced, cause));
  }

  private Outcome applyGoogle(ClaimedJob job, StoredNotification n) {
    String notification = n.facts().getOrDefault("notification", "");
    String cause = "google RTDN " + n.type() + " " + n.externalId();
    if (notification.equals("test")) {
      LOG.info("google test notification {} received", StorableText.forLog(n.externalId()));
      return finish(job, n, () -> {});
    }
    String token = n.facts().get("purchaseToken");
    if (notification.equals("voided")) {
      Optional<Purchase> purchase = purchases.findByStoreKey(Store.GOOGLE, token);
      if (purchase.isEmpty()) {
        return finish(job, n, () -> unmatched(n, token));
      }
      Purchase p = purchase.get();
      StoreTransaction tx = new StoreTransaction(Store.GOOGLE, p.environment(), p.storeKey(), p.productId(), p.kind(),
          p.transactionId(), p.originalTransactionId(), StoreStatus.REFUNDED, Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), p.acknowledged(), Optional.empty(), Optional.empty(),
          Optional.of("voided by Google Play (refundType " + n.facts().getOrDefault("notificationType", "?") + ")"));
      return finish(job, n, () -> ledger.apply(tx, Optional.empty(), Optional.of(PurchaseState.REFUNDED), cause));
    }
    if (google.isEmpty()) {
      return Outcome.retryAfter(Duration.ofMinutes(5), "google store is not configured");
    }
    PurchaseKind kind = PurchaseKind.fromWire(n.facts().getOrDefault("kind", "subscription"));
    String productId = n.facts().getOrDefault("productId", purchases.findByStoreKey(Store.GOOGLE, token).map(Purchase::productId).orElse(""));
    // SUBSCRIPTION_REVOKED (12): subscriptionsv2 then says EXPIRED, but the user lost access before the end of the period
    Optional<PurchaseState> forced = kind == PurchaseKind.SUBSCRIPTION && "12".equals(n.facts().get("notificationType"))
        ? Optional.of(PurchaseState.REVOKED) : Optional.empty();
    var request = new VerificationRequest.GooglePurchase(n.facts().get("packageName"), productId, token, kind);
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    VerificationResult result = StoreDataCheck.screened(google.get().verify(request));
    long latency = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    return switch (result) {
      case VerificationResult.Verified verified -> finish(job, n, () -> {
        Purchase applied = ledger.apply(verified.transaction(), Optional.empty(), forced, cause);
        audit.append(new AuditEntry(ids.next(), Optional.of(applied.id()), "google", token, "verification", "verified",
            request.summary() + " (after " + n.type() + ")", verified.summary(), Optional.of(latency), Optional.empty(), started));
      });
      case VerificationResult.Unavailable unavailable -> {
        audit.appendAlone(new AuditEntry(ids.next(), Optional.empty(), "google", token, "verification", "unavailable",
            request.summary(), unavailable.reason(), Optional.of(latency), Optional.empty(), started));
        yield new Outcome.Retry(unavailable.retryAfter(), "google unavailable: " + unavailable.reason());
      }
      case VerificationResult.Rejected rejected -> {
        audit.appendAlone(new AuditEntry(ids.next(), Optional.empty(), "google", token, "verification", "rejected",
            request.summary(), rejected.reason(), Optional.of(latency), Optional.empty(), started));
        yield Outcome.fail("google refused " + token + ": " + rejected.reason());
      }
    };
  }

  private void unmatched(StoredNotification n, String storeKey) {
    LOG.warn("{} notification {} is about {}, which Relaybox has never seen; recorded only", n.store(), StorableText.forLog(n.externalId()),
        StorableText.forLog(storeKey));
    audit.append(new AuditEntry(ids.next(), Optional.empty(), n.store(), storeKey, "webhook", "unmatched",
        n.store() + " notification " + n.externalId(), "no purchase with this key; the notification does not say which product it is",
        Optional.empty(), Optional.empty(), clock.instant()));
  }

  private Outcome finish(ClaimedJob job, StoredNotification n, Runnable effect) {
    unitOfWork.inTransaction(() -> {
      if (notifications.markApplied(n.id(), clock.instant())) {
        effect.run();
      }
      jobs.markDone(job.ref());
    });
    return Outcome.done();
  }
}
