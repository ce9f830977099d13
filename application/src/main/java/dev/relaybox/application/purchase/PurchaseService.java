package dev.relaybox.application.purchase;

import dev.relaybox.application.purchase.port.in.GetPurchaseUseCase;
import dev.relaybox.application.purchase.port.in.PurchaseConflictException;
import dev.relaybox.application.purchase.port.in.PurchaseRejectedException;
import dev.relaybox.application.purchase.port.in.StoreNotConfiguredException;
import dev.relaybox.application.purchase.port.in.StoreUnavailableException;
import dev.relaybox.application.purchase.port.in.VerifyApplePurchaseCommand;
import dev.relaybox.application.purchase.port.in.VerifyGooglePurchaseCommand;
import dev.relaybox.application.purchase.port.in.VerifyPurchaseUseCase;
import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import dev.relaybox.application.purchase.port.out.PurchaseVerifier;
import dev.relaybox.application.purchase.port.out.Purchases;
import dev.relaybox.application.purchase.port.out.VerificationRequest;
import dev.relaybox.application.purchase.port.out.VerificationResult;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.purchase.UserId;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Synchronous verification with the stores. Every store call gets an audit line (request and response summary,
 * latency, outcome): in the same transaction as the purchase when it succeeds, in a transaction of its own when it is
 * refused or the store is unreachable.
 */
public final class PurchaseService implements VerifyPurchaseUseCase, GetPurchaseUseCase {
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

  private final UnitOfWork unitOfWork;
  private final Purchases purchases;
  private final PurchaseAudit audit;
  private final PurchaseLedger ledger;
  private final Jobs jobs;
  private final Optional<PurchaseVerifier> google;
  private final Optional<PurchaseVerifier> apple;
  private final TimeOrderedIds ids;
  private final Clock clock;

  public PurchaseService(UnitOfWork unitOfWork, Purchases purchases, PurchaseAudit audit, PurchaseLedger ledger, Jobs jobs,
      Optional<PurchaseVerifier> google, Optional<PurchaseVerifier> apple, TimeOrderedIds ids, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.purchases = purchases;
    this.audit = audit;
    this.ledger = ledger;
    this.jobs = jobs;
    this.google = google;
    this.apple = apple;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public Purchase verifyGoogle(VerifyGooglePurchaseCommand command) {
    PurchaseVerifier verifier = google.orElseThrow(() -> new StoreNotConfiguredException("google"));
    Optional<Purchase> known = purchases.findByStoreKey(Store.GOOGLE, command.purchaseToken());
    if (known.isPresent()) {
      if (!known.get().userId().equals(command.userId().value())) {
        throw new PurchaseConflictException("this purchase token is already recorded for another user");
      }
      return known.get();
    }
    var request = new VerificationRequest.GooglePurchase(command.packageName(), command.productId(), command.purchaseToken(),
        command.kind());
    return verify(verifier, request, command.userId(), command.purchaseToken(), Optional.of(command.packageName()));
  }

  @Override
  public Purchase verifyApple(VerifyApplePurchaseCommand command) {
    PurchaseVerifier verifier = apple.orElseThrow(() -> new StoreNotConfiguredException("apple"));
    VerificationRequest request = command.signedTransaction()
        .<VerificationRequest>map(VerificationRequest.AppleSignedTransaction::new)
        .orElseGet(() -> new VerificationRequest.AppleTransactionId(command.transactionId().orElseThrow()));
    String subject = command.transactionId().orElse("signedTransaction");
    return verify(verifier, request, command.userId(), subject, Optional.empty());
  }

  private Purchase verify(PurchaseVerifier verifier, VerificationRequest request, UserId user, String subject,
      Optional<String> packageName) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    VerificationResult result = verifier.verify(request);
    long latency = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    String store = verifier.store().wire();
    return switch (result) {
      case VerificationResult.Verified verified -> unitOfWork.inTransaction(() -> {
        Purchase purchase = ledger.apply(verified.transaction(), Optional.of(user), Optional.empty(), "verification").orElseThrow();
        audit.append(new AuditEntry(ids.next(), Optional.of(purchase.id()), store, purchase.storeKey(), "verification", "verified",
            request.summary() + " user=" + user.value(), verified.summary(), Optional.of(latency), Optional.empty(), started));
        if (purchase.store() == Store.GOOGLE && !purchase.acknowledged() && purchase.state().entitled() && packageName.isPresent()) {
          jobs.enqueue(EnqueueJob.of(AcknowledgeGooglePurchase.SUBSCRIPTION,
                  PurchaseJson.object("purchaseId", purchase.id().toString(), "packageName", packageName.get()))
              .dedupeKey("ack:" + purchase.id()));
        }
        return purchase;
      });
      case VerificationResult.Rejected rejected -> {
        audit.appendAlone(new AuditEntry(ids.next(), Optional.empty(), store, subject, "verification", "rejected",
            request.summary() + " user=" + user.value(), rejected.reason(), Optional.of(latency), Optional.empty(), started));
        throw new PurchaseRejectedException(rejected.reason());
      }
      case VerificationResult.Unavailable unavailable -> {
        audit.appendAlone(new AuditEntry(ids.next(), Optional.empty(), store, subject, "verification", "unavailable",
            request.summary() + " user=" + user.value(), unavailable.reason(), Optional.of(latency), Optional.empty(), started));
        throw new StoreUnavailableException(store + " store is unavailable: " + unavailable.reason(),
            unavailable.retryAfter().orElse(DEFAULT_RETRY_AFTER));
      }
    };
  }

  @Override
  public Optional<Purchase> get(UUID id) {
    return purchases.find(id);
  }

  @Override
  public Optional<List<AuditEntry>> history(UUID id) {
    return purchases.find(id).map(p -> audit.history(p.id(), p.store().wire(), p.storeKey()));
  }
}
