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
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.PurchaseState;
import dev.relaybox.domain.purchase.Store;
import dev.relaybox.domain.purchase.UserId;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous verification with the stores. Every store call gets an audit line (request and response summary,
 * latency, outcome): in the same transaction as the purchase when it succeeds, in a transaction of its own when it is
 * refused, the store is unreachable, or the purchase belongs to another user (409). The verify call is what claims a
 * purchase for its user: a purchase first recorded from a notification has no owner until then.
 */
public final class PurchaseService implements VerifyPurchaseUseCase, GetPurchaseUseCase {
  private static final Logger LOG = LoggerFactory.getLogger(PurchaseService.class);

  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

  private final UnitOfWork unitOfWork;
  private final Purchases purchases;
  private final PurchaseAudit audit;
  private final PurchaseLedger ledger;
  private final Optional<PurchaseVerifier> google;
  private final Optional<PurchaseVerifier> apple;
  private final TimeOrderedIds ids;
  private final Clock clock;

  public PurchaseService(UnitOfWork unitOfWork, Purchases purchases, PurchaseAudit audit, PurchaseLedger ledger,
      Optional<PurchaseVerifier> google, Optional<PurchaseVerifier> apple, TimeOrderedIds ids, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.purchases = purchases;
    this.audit = audit;
    this.ledger = ledger;
    this.google = google;
    this.apple = apple;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public Purchase verifyGoogle(VerifyGooglePurchaseCommand command) {
    PurchaseVerifier verifier = google.orElseThrow(() -> new StoreNotConfiguredException("google"));
    var request = new VerificationRequest.GooglePurchase(command.packageName(), command.productId(), command.purchaseToken(),
        command.kind());
    Optional<Purchase> known = purchases.findByStoreKey(Store.GOOGLE, command.purchaseToken());
    if (known.isPresent() && known.get().userId().isPresent()) {
      Purchase p = known.get();
      if (!p.ownedBy(command.userId())) {
        throw conflict(request, "google", command.userId(), p, "this purchase token is already recorded for another user");
      }
      if (p.state() != PurchaseState.PENDING) {
        // a repeated verify answers from the ledger (idempotent on the token) but still makes sure Google is acknowledged
        if (p.needsAcknowledgement()) {
          return unitOfWork.inTransaction(() -> {
            Purchase current = purchases.lock(p.id()).orElseThrow();
            ledger.ensureAcknowledgement(current, "verification repeated by " + command.userId().value());
            return current;
          });
        }
        return p;
      }
    }
    return verify(verifier, request, command.userId(), command.purchaseToken());
  }

  @Override
  public Purchase verifyApple(VerifyApplePurchaseCommand command) {
    PurchaseVerifier verifier = apple.orElseThrow(() -> new StoreNotConfiguredException("apple"));
    VerificationRequest request = command.signedTransaction()
        .<VerificationRequest>map(VerificationRequest.AppleSignedTransaction::new)
        .orElseGet(() -> new VerificationRequest.AppleTransactionId(command.transactionId().orElseThrow()));
    String subject = command.transactionId().orElse("signedTransaction");
    return verify(verifier, request, command.userId(), subject);
  }

  private Purchase verify(PurchaseVerifier verifier, VerificationRequest request, UserId user, String subject) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    VerificationResult result = StoreDataCheck.screened(verifier.verify(request));
    long latency = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    String store = verifier.store().wire();
    return switch (result) {
      case VerificationResult.Verified verified -> {
        try {
          yield unitOfWork.inTransaction(() -> {
            Purchase purchase = ledger.apply(verified.transaction(), Optional.of(user), Optional.empty(), "verification");
            audit.append(new AuditEntry(ids.next(), Optional.of(purchase.id()), store, purchase.storeKey(), "verification", "verified",
                request.summary() + " user=" + user.value(), verified.summary(), Optional.of(latency), Optional.empty(), started));
            return purchase;
          });
        } catch (PurchaseConflictException e) {
          Optional<Purchase> owned = purchases.findByStoreKey(verified.transaction().store(), verified.transaction().storeKey());
          throw conflict(request, store, user, owned.orElse(null), e.getMessage());
        }
      }
      case VerificationResult.Rejected rejected -> {
        audit.appendAlone(new AuditEntry(ids.next(), Optional.empty(), store, subject, "verification", "rejected",
            request.summary() + " user=" + user.value(), rejected.reason(), Optional.of(latency), Optional.empty(), started));
        throw new PurchaseRejectedException(rejected.reason());
      }
      case VerificationResult.Unavailable unavailable -> {
        // The caller gets a 503: say so where operators look, not only in the audit trail (the reason names no token).
        LOG.warn("{} store unavailable for a verification: {}", store, unavailable.reason());
        audit.appendAlone(new AuditEntry(ids.next(), Optional.empty(), store, subject, "verification", "unavailable",
            request.summary() + " user=" + user.value(), unavailable.reason(), Optional.of(latency), Optional.empty(), started));
        throw new StoreUnavailableException(store + " store is unavailable: " + unavailable.reason(),
            unavailable.retryAfter().orElse(DEFAULT_RETRY_AFTER));
      }
    };
  }

  /** Audits a claim on another user's purchase (the 409 the caller gets) in a transaction of its own. */
  private PurchaseConflictException conflict(VerificationRequest request, String store, UserId user, Purchase owned, String message) {
    Optional<Purchase> purchase = Optional.ofNullable(owned);
    audit.appendAlone(new AuditEntry(ids.next(), purchase.map(Purchase::id), store,
        purchase.map(Purchase::storeKey).orElse(""), "verification", "conflict", request.summary() + " user=" + user.value(),
        message + purchase.flatMap(Purchase::userId).map(owner -> " (owner " + owner + ")").orElse(""), Optional.empty(),
        Optional.empty(), clock.instant()));
    return new PurchaseConflictException(message);
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
