package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.CancelledJob;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.payment.port.out.HistoryEntry;
import dev.relaybox.application.payment.port.out.PaymentMetrics;
import dev.relaybox.application.payment.port.out.PaymentProvider;
import dev.relaybox.application.payment.port.out.PaymentProvider.Creation;
import dev.relaybox.application.payment.port.out.PaymentProvider.Lookup;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.ProviderStatus;
import dev.relaybox.domain.payment.TransactionStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates the transaction at the provider, never twice: every attempt first asks the provider whether it already has
 * it (a 504 may have created it), and only then POSTs, with Relaybox's id so the provider answers 409 to a duplicate.
 * A 504, timeout or other 5xx is retried {@code createBackoff} later, at most {@code createRetries} times; then the
 * transaction fails. A created transaction is handed to the settle poll.
 *
 * <p>An operator's cancel of the create job settles the transaction in the cancel's transaction. Every create is
 * recorded as sent ({@value #CREATE_SENT_KIND}) before it goes out, in a transaction that holds the transaction's row
 * and checks the job's lease, and the cancel locks the same row: so either the cancel comes first and no create is
 * ever sent, or it sees the record. A transaction never sent fails with reason {@value #CANCELLED_REASON} (a debit's
 * hold is released by the balance job); one that may be at the provider (a 504 may have created it, a call may have
 * been cut mid-flight) is handed to the settle poll, which takes the provider's word or fails it with {@code timeout}
 * after {@code maxWait}. It never stays in flight for good, and a created transaction is never failed on a guess.
 */
public final class CreateAtProvider implements JobHandler {
  static final String CREATE_KIND = "provider.create";
  static final String LOOKUP_KIND = "provider.lookup";
  static final String CREATE_SENT_KIND = "provider.create-sent";
  static final String CANCEL_KIND = "operator.cancel";
  static final String CANCELLED_REASON = "cancelled_by_operator";

  private final UnitOfWork unitOfWork;
  private final PaymentTransactions transactions;
  private final PaymentProvider provider;
  private final Jobs jobs;
  private final ProviderReports reports;
  private final PaymentSettings settings;
  private final PaymentMetrics metrics;
  private final Clock clock;
  private final PaymentJobs paymentJobs;

  public CreateAtProvider(UnitOfWork unitOfWork, PaymentTransactions transactions, PaymentProvider provider, Jobs jobs, Payloads payloads,
      PaymentSettings settings, PaymentMetrics metrics, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.transactions = transactions;
    this.provider = provider;
    this.jobs = jobs;
    this.paymentJobs = new PaymentJobs(payloads);
    this.reports = new ProviderReports(transactions, jobs, paymentJobs, clock);
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Enough attempts for the retries plus look-ups the provider could not answer; giving up is decided by the handler. */
  public static Subscription subscription(PaymentSettings settings, int concurrency) {
    Duration backoff = settings.createBackoff().isZero() ? Duration.ofMillis(1) : settings.createBackoff();
    return Subscription.forCommands(PaymentJobs.CREATE)
        .withConcurrency(concurrency)
        .withTimeout(Duration.ofSeconds(60))
        .withRetry(new RetryPolicy(backoff, backoff.multipliedBy(4), 4 * (settings.createRetries() + 2) + 10));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    UUID id = paymentJobs.read(job).transactionId();
    Optional<PaymentTransaction> found = transactions.find(id);
    if (found.isEmpty()) {
      return Outcome.fail("no transaction " + id);
    }
    PaymentTransaction tx = found.get();
    if (tx.providerSettled() || tx.status() == TransactionStatus.SUCCEEDED || tx.status() == TransactionStatus.FAILED) {
      return Outcome.done();
    }
    if (tx.status() == TransactionStatus.PENDING) {
      startProcessing(id);
    }
    Lookup lookup = provider.find(id);
    return switch (lookup) {
      case Lookup.Throttled t -> Outcome.defer(t.after(), "payment provider asked to slow down");
      case Lookup.Unavailable u -> {
        // An unreachable provider spends the same budget as a failed create, or the transaction would wait forever.
        int tried = transactions.countHistory(id, LOOKUP_KIND) + transactions.countHistory(id, CREATE_KIND);
        if (tried >= settings.createRetries()) {
          yield giveUp(id, "provider_unavailable: the provider could not be reached after " + (tried + 1) + " attempts");
        }
        note(id, LOOKUP_KIND, "could not ask the provider: " + u.why());
        yield Outcome.retryAfter(settings.createBackoff(), "provider look-up failed: " + u.why());
      }
      case Lookup.Found f -> {
        unitOfWork.inTransaction(() -> {
          PaymentTransaction locked = transactions.lock(id).orElseThrow();
          transactions.record(id, new HistoryEntry(clock.instant(), LOOKUP_KIND, "the provider has it: " + f.status().wire()));
          if (!reports.report(locked, f.status(), f.reason(), "provider.lookup", true) && !locked.providerSettled()) {
            jobs.enqueue(paymentJobs.poll(id, clock.instant().plus(settings.firstPoll())));
          }
        });
        yield Outcome.done();
      }
      case Lookup.NotFound n -> createOrGiveUp(job, tx);
    };
  }

  @Override
  public void cancelled(CancelledJob job) {
    UUID id = paymentJobs.read(job.payloadJson()).transactionId();
    transactions.lock(id).filter(tx -> !tx.providerSettled() && !tx.status().terminal()).ifPresent(locked -> {
      boolean sent = transactions.countHistory(id, CREATE_SENT_KIND) + transactions.countHistory(id, CREATE_KIND) > 0;
      if (!sent) {
        reports.failUnsent(locked, CANCELLED_REASON, CANCEL_KIND, "create cancelled by an operator before it was sent");
      } else {
        transactions.record(id, new HistoryEntry(clock.instant(), CANCEL_KIND,
            "create cancelled by an operator after a create was sent; the provider may have it, so the poll asks"));
        jobs.enqueue(paymentJobs.poll(id, clock.instant().plus(settings.firstPoll())));
      }
    });
  }

  private Outcome giveUp(UUID id, String reason) {
    unitOfWork.inTransaction(() -> {
      PaymentTransaction locked = transactions.lock(id).orElseThrow();
      reports.report(locked, ProviderStatus.FAILED, Optional.of(reason), CREATE_KIND, true);
    });
    return Outcome.done();
  }

  private Outcome createOrGiveUp(ClaimedJob job, PaymentTransaction tx) {
    UUID id = tx.id();
    int tried = transactions.countHistory(id, CREATE_KIND);
    if (tried > settings.createRetries()) {
      return giveUp(id, "provider_unavailable: not created after " + tried + " attempts");
    }
    recordSending(job, id);
    Creation creation = provider.create(new PaymentProvider.ProviderRequest(id, tx.type().wire(), tx.amount(), tx.currency().code(),
        tx.reference()));
    return switch (creation) {
      case Creation.Created c -> {
        unitOfWork.inTransaction(() -> {
          PaymentTransaction locked = transactions.lock(id).orElseThrow();
          transactions.record(id, new HistoryEntry(clock.instant(), CREATE_KIND,
              c.alreadyExisted() ? "409: the provider already had it" : "201: created"));
          if (!locked.providerSettled()) {
            jobs.enqueue(paymentJobs.poll(id, clock.instant().plus(settings.firstPoll())));
          }
        });
        yield Outcome.done();
      }
      case Creation.Unknown u -> {
        note(id, CREATE_KIND, "outcome unknown (" + u.why() + "); will look again before the next try");
        yield Outcome.retryAfter(settings.createBackoff(), "provider create: " + u.why());
      }
      case Creation.NotCreated u -> {
        note(id, CREATE_KIND, "not created (" + u.why() + ")");
        yield Outcome.retryAfter(settings.createBackoff(), "provider create: " + u.why());
      }
      case Creation.Throttled t -> {
        note(id, "provider.throttled", "the provider asked to slow down for " + t.after());
        yield Outcome.defer(t.after(), "payment provider asked to slow down");
      }
      case Creation.Refused r -> {
        unitOfWork.inTransaction(() -> {
          PaymentTransaction locked = transactions.lock(id).orElseThrow();
          transactions.record(id, new HistoryEntry(clock.instant(), CREATE_KIND, "refused: " + r.reason()));
          reports.report(locked, ProviderStatus.FAILED, Optional.of(r.reason()), CREATE_KIND, true);
        });
        yield Outcome.done();
      }
    };
  }

  /**
   * Stops here (LeaseLostException) when the job's lease was taken over or an operator cancelled it, instead of
   * creating alongside the new owner or after the cancel; otherwise records the create as sent, under the row lock that
   * orders it with a cancel (see the class comment).
   */
  private void recordSending(ClaimedJob job, UUID id) {
    unitOfWork.inTransaction(() -> {
      transactions.lock(id).orElseThrow();
      jobs.ensureHeld(job.ref());
      transactions.record(id, new HistoryEntry(clock.instant(), CREATE_SENT_KIND, "asking the provider to create it"));
    });
  }

  private void startProcessing(UUID id) {
    boolean moved = unitOfWork.inTransaction(() -> {
      PaymentTransaction locked = transactions.lock(id).orElseThrow();
      if (locked.status() != TransactionStatus.PENDING) {
        return false;
      }
      transactions.update(locked.moveTo(TransactionStatus.PROCESSING, Optional.empty(), clock.instant()));
      return true;
    });
    if (moved) {
      metrics.transactionMoved(TransactionStatus.PROCESSING);
    }
  }

  private void note(UUID id, String kind, String detail) {
    unitOfWork.inTransaction(() -> transactions.record(id, new HistoryEntry(clock.instant(), kind, detail)));
  }
}
