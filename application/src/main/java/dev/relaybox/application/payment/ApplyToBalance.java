package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.payment.port.out.Accounts;
import dev.relaybox.application.payment.port.out.HistoryEntry;
import dev.relaybox.application.payment.port.out.PaymentMetrics;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.application.payment.port.out.Posting;
import dev.relaybox.domain.payment.Account;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.ProviderStatus;
import dev.relaybox.domain.payment.TransactionStatus;
import dev.relaybox.domain.payment.TransactionType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Every change to a balance, one job at a time per account (FIFO by account id). Each runs in one database
 * transaction with the account row locked {@code FOR UPDATE}, a processed-events row inserted first and the job marked
 * done, so a redelivered job has no second effect. A debit's hold is refused for insufficient funds: the transaction is
 * rejected and the job dead-lettered with that reason, to be replayed after a top-up.
 */
public final class ApplyToBalance implements JobHandler {
  static final String HOLD_CONSUMER = "payment.hold";
  static final String APPLY_CONSUMER = "payment.apply";

  private final UnitOfWork unitOfWork;
  private final Accounts accounts;
  private final PaymentTransactions transactions;
  private final Jobs jobs;
  private final PaymentMetrics metrics;
  private final PaymentAnnouncements announcements;
  private final Clock clock;
  private final PaymentJobs paymentJobs;

  public ApplyToBalance(UnitOfWork unitOfWork, Accounts accounts, PaymentTransactions transactions, Jobs jobs, Payloads payloads, PaymentMetrics metrics,
      PaymentAnnouncements announcements, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.accounts = accounts;
    this.transactions = transactions;
    this.jobs = jobs;
    this.metrics = metrics;
    this.announcements = announcements;
    this.clock = clock;
    this.paymentJobs = new PaymentJobs(payloads);
  }

  public static Subscription subscription(int concurrency) {
    return Subscription.forCommands(PaymentJobs.BALANCE)
        .withFifoPerKey(true)
        .withConcurrency(concurrency)
        .withRetry(new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 25));
  }

  private record Result(Outcome outcome, List<TransactionStatus> moved, List<String> balanceChanges) {}

  @Override
  public Outcome handle(ClaimedJob job) {
    PaymentJobs.Payload payload = paymentJobs.read(job);
    Result result = unitOfWork.inTransaction(() -> switch (payload.step()) {
      case PaymentJobs.HOLD -> hold(job, payload.transactionId());
      case PaymentJobs.APPLY -> apply(job, payload.transactionId());
      default -> new Result(Outcome.fail("unknown balance step '" + payload.step() + "'"), List.of(), List.of());
    });
    result.moved().forEach(metrics::transactionMoved);
    result.balanceChanges().forEach(metrics::balanceUpdated);
    return result.outcome();
  }

  private Result hold(ClaimedJob job, UUID id) {
    Optional<PaymentTransaction> found = transactions.lock(id);
    if (found.isEmpty()) {
      return new Result(Outcome.fail("no transaction " + id), List.of(), List.of());
    }
    PaymentTransaction tx = found.get();
    if (tx.status() != TransactionStatus.PENDING && tx.status() != TransactionStatus.REJECTED) {
      return done(job, List.of(), List.of());
    }
    Account account = accounts.lock(tx.accountId()).orElseThrow();
    Instant now = clock.instant();
    if (account.available() < tx.amount()) {
      String reason = "insufficient_funds";
      transactions.record(id, new HistoryEntry(now, "balance",
          "hold of " + tx.amount() + " refused: available " + account.available()));
      List<TransactionStatus> moved = new ArrayList<>();
      if (tx.status() == TransactionStatus.PENDING) {
        PaymentTransaction rejected = tx.moveTo(TransactionStatus.REJECTED, Optional.of(reason), now);
        transactions.update(rejected);
        announcements.announce(id);
        moved.add(TransactionStatus.REJECTED);
        tx.callbackUrl().ifPresent(url -> jobs.enqueue(paymentJobs.callback(id, TransactionStatus.REJECTED)));
      }
      return new Result(Outcome.fail(reason + ": available " + account.available() + ", requested " + tx.amount()), moved, List.of());
    }
    if (!transactions.markProcessed(HOLD_CONSUMER, id.toString(), now)) {
      return done(job, List.of(), List.of());
    }
    accounts.update(account.hold(tx.amount()));
    transactions.update(tx.moveTo(TransactionStatus.PROCESSING, Optional.empty(), now));
    transactions.record(id, new HistoryEntry(now, "balance", "held " + tx.amount() + "; available now " + (account.available() - tx.amount())));
    jobs.enqueue(paymentJobs.create(id));
    return done(job, List.of(TransactionStatus.PROCESSING), List.of("hold"));
  }

  private Result apply(ClaimedJob job, UUID id) {
    Optional<PaymentTransaction> found = transactions.lock(id);
    if (found.isEmpty()) {
      return new Result(Outcome.fail("no transaction " + id), List.of(), List.of());
    }
    PaymentTransaction tx = found.get();
    if (tx.status() == TransactionStatus.SUCCEEDED || tx.status() == TransactionStatus.FAILED) {
      return done(job, List.of(), List.of());
    }
    if (!tx.providerSettled()) {
      return new Result(Outcome.fail("the provider has not settled transaction " + id), List.of(), List.of());
    }
    Account account = accounts.lock(tx.accountId()).orElseThrow();
    Instant now = clock.instant();
    if (!transactions.markProcessed(APPLY_CONSUMER, id.toString(), now)) {
      return done(job, List.of(), List.of());
    }
    boolean succeeded = tx.providerStatus().orElseThrow() == ProviderStatus.SUCCEEDED;
    boolean debit = tx.type() == TransactionType.DEBIT;
    boolean held = debit && tx.status() == TransactionStatus.PROCESSING;
    Account after = account;
    String change;
    if (succeeded && !debit) {
      after = account.credit(tx.amount());
      accounts.post(new Posting(account.id(), id, tx.amount(), after.balance(), now));
      change = "credit";
    } else if (succeeded && held) {
      after = account.settleDebit(tx.amount());
      accounts.post(new Posting(account.id(), id, -tx.amount(), after.balance(), now));
      change = "debit";
    } else if (held) {
      after = account.release(tx.amount());
      change = "release";
    } else {
      change = "none";
    }
    if (after != account) {
      accounts.update(after);
    }
    TransactionStatus status = succeeded && (!debit || held) ? TransactionStatus.SUCCEEDED : TransactionStatus.FAILED;
    Optional<String> reason = status == TransactionStatus.FAILED
        ? tx.providerReason().or(() -> Optional.of(succeeded ? "no_funds_held" : "provider_failed"))
        : Optional.empty();
    PaymentTransaction settled = tx.status() == TransactionStatus.PENDING
        ? tx.moveTo(TransactionStatus.PROCESSING, Optional.empty(), now).moveTo(status, reason, now)
        : tx.moveTo(status, reason, now);
    transactions.update(settled);
    announcements.announce(id);
    transactions.record(id, new HistoryEntry(now, "balance", switch (change) {
      case "credit" -> "credited " + tx.amount() + "; balance now " + after.balance();
      case "debit" -> "debited " + tx.amount() + "; balance now " + after.balance();
      case "release" -> "released the hold of " + tx.amount() + "; available now " + after.available();
      default -> "no balance change";
    }));
    tx.callbackUrl().ifPresent(url -> jobs.enqueue(paymentJobs.callback(id, status)));
    return done(job, List.of(status), change.equals("none") ? List.of() : List.of(change));
  }

  private Result done(ClaimedJob job, List<TransactionStatus> moved, List<String> changes) {
    jobs.markDone(job.ref());
    return new Result(Outcome.done(), moved, changes);
  }
}
