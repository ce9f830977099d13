package dev.relaybox.application.purchase;

import dev.relaybox.application.jobs.CancelledJob;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.purchase.port.out.Purchases;
import dev.relaybox.domain.purchase.Purchase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net for Google acknowledgements: every {@code interval} it schedules an acknowledge job for each Google
 * purchase that has entitled for longer than {@code after} without being acknowledged (a job that went dead, a node
 * that died between commit and enqueue, a row from before the package name was kept). Purchases older than three
 * days are left to the alert: Google has refunded them already. One sweep job exists cluster-wide (a dedupe key);
 * each run schedules the next in the transaction that completes it, and an operator's cancel schedules the next in
 * the cancel's transaction: the sweep is a schedule, and a cancel skips one run of it, never the safety net itself.
 */
public final class AcknowledgementSweep implements JobHandler {
  public static final String SUBSCRIPTION = "purchase.google-acknowledge-sweep";
  static final Duration GOOGLE_REFUNDS_AFTER = Duration.ofDays(3);
  private static final String DEDUPE_KEY = "sweep";
  private static final int BATCH = 500;
  private static final Logger LOG = LoggerFactory.getLogger(AcknowledgementSweep.class);

  private final UnitOfWork unitOfWork;
  private final Purchases purchases;
  private final PurchaseLedger ledger;
  private final Jobs jobs;
  private final Duration after;
  private final Duration interval;
  private final Clock clock;

  public AcknowledgementSweep(UnitOfWork unitOfWork, Purchases purchases, PurchaseLedger ledger, Jobs jobs, Duration after,
      Duration interval, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.purchases = purchases;
    this.ledger = ledger;
    this.jobs = jobs;
    this.after = after;
    this.interval = interval;
    this.clock = clock;
  }

  public static Subscription subscription() {
    return Subscription.forCommands(SUBSCRIPTION).withRetry(new RetryPolicy(Duration.ofSeconds(5), Duration.ofMinutes(5), 1_000));
  }

  /** Makes sure the sweep is scheduled (every node calls this at start; only one job exists). */
  public void schedule() {
    unitOfWork.inTransaction(() -> jobs.enqueue(next(clock.instant())));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    Instant now = clock.instant();
    int scheduled = unitOfWork.inTransaction(() -> {
      List<Purchase> waiting = purchases.awaitingAcknowledgement(now.minus(after), now.minus(GOOGLE_REFUNDS_AFTER), BATCH);
      int count = 0;
      for (Purchase p : waiting) {
        if (ledger.ensureAcknowledgement(p, "acknowledgement sweep: unacknowledged for more than " + after.toMinutes() + " min")) {
          count++;
        }
      }
      jobs.markDone(job.ref());
      jobs.enqueue(next(now.plus(interval)));
      return count;
    });
    if (scheduled > 0) {
      LOG.warn("acknowledgement sweep scheduled {} Google acknowledgement(s) that no other path had scheduled", scheduled);
    }
    return Outcome.done();
  }

  @Override
  public void cancelled(CancelledJob job) {
    jobs.enqueue(next(clock.instant().plus(interval)));
  }

  private static EnqueueJob next(Instant at) {
    return EnqueueJob.of(SUBSCRIPTION, "{}").runAt(at).dedupeKey(DEDUPE_KEY);
  }
}
