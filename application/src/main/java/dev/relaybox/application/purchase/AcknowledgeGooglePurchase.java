package dev.relaybox.application.purchase;

import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.PurchaseAcknowledger;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import dev.relaybox.application.purchase.port.out.Purchases;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Acknowledges a verified Google Play purchase (Google refunds unacknowledged purchases after three days). Retried
 * with backoff while Google is unreachable; each attempt is audited; success and the purchase's move to
 * {@code acknowledged} commit with the job's completion.
 */
public final class AcknowledgeGooglePurchase implements JobHandler {
  public static final String SUBSCRIPTION = "purchase.google-acknowledge";

  private final UnitOfWork unitOfWork;
  private final Payloads payloads;
  private final Purchases purchases;
  private final PurchaseAudit audit;
  private final PurchaseLedger ledger;
  private final Jobs jobs;
  private final PurchaseAcknowledger acknowledger;
  private final TimeOrderedIds ids;
  private final Clock clock;

  public AcknowledgeGooglePurchase(UnitOfWork unitOfWork, Purchases purchases, PurchaseAudit audit, PurchaseLedger ledger, Jobs jobs,
      Payloads payloads, PurchaseAcknowledger acknowledger, TimeOrderedIds ids, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.payloads = payloads;
    this.purchases = purchases;
    this.audit = audit;
    this.ledger = ledger;
    this.jobs = jobs;
    this.acknowledger = acknowledger;
    this.ids = ids;
    this.clock = clock;
  }

  /** One acknowledge job per purchase token while it is unfinished, whichever path asks for it. */
  static String dedupeKey(String purchaseToken) {
    return "ack:" + purchaseToken;
  }

  /** What an acknowledge job carries. */
  record Payload(UUID purchaseId, String packageName) {
    Payload {
      Objects.requireNonNull(purchaseId, "purchaseId");
      Objects.requireNonNull(packageName, "packageName");
    }
  }

  public static Subscription subscription() {
    return Subscription.forCommands(SUBSCRIPTION).withRetry(new RetryPolicy(Duration.ofSeconds(5), Duration.ofHours(1), 30));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    Payload payload = payloads.read(job.payloadJson(), Payload.class);
    UUID id = payload.purchaseId();
    String packageName = payload.packageName();
    Optional<Purchase> found = purchases.find(id);
    if (found.isEmpty()) {
      return Outcome.fail("purchase " + id + " does not exist");
    }
    Purchase purchase = found.get();
    if (purchase.acknowledged()) {
      return Outcome.done();
    }
    if (!purchase.state().entitled()) {
      // it ended (expired, refunded, revoked) before the acknowledgement ran: nothing was granted, so nothing to confirm
      return Outcome.done();
    }
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    Outcome outcome = acknowledger.acknowledge(packageName, purchase.productId(), purchase.storeKey(), purchase.kind());
    Optional<Long> latency = Optional.of(Duration.ofNanos(System.nanoTime() - t0).toMillis());
    String request = (purchase.kind().wire()) + " acknowledge " + packageName + " " + purchase.productId() + " attempt " + job.attempt();
    return switch (outcome) {
      case Outcome.Done done -> {
        unitOfWork.inTransaction(() -> {
          Purchase current = purchases.lock(id).orElseThrow();
          audit.append(new AuditEntry(ids.next(), Optional.of(id), "google", purchase.storeKey(), "acknowledgement", "acknowledged",
              request, "acknowledged", latency, Optional.empty(), started));
          if (!current.acknowledged()) {
            ledger.acknowledge(current, "google acknowledgement");
          }
          jobs.markDone(job.ref());
        });
        yield done;
      }
      case Outcome.Retry retry -> {
        audit.appendAlone(new AuditEntry(ids.next(), Optional.of(id), "google", purchase.storeKey(), "acknowledgement", "retry",
            request, retry.reason(), latency, Optional.empty(), started));
        yield retry;
      }
      case Outcome.Defer defer -> defer;
      case Outcome.Fail fail -> {
        audit.appendAlone(new AuditEntry(ids.next(), Optional.of(id), "google", purchase.storeKey(), "acknowledgement", "failed",
            request, fail.reason(), latency, Optional.empty(), started));
        yield fail;
      }
    };
  }
}
