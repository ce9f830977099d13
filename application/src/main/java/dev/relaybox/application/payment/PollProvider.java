package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.payment.port.out.HistoryEntry;
import dev.relaybox.application.payment.port.out.PaymentProvider;
import dev.relaybox.application.payment.port.out.PaymentProvider.Lookup;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.ProviderStatus;
import dev.relaybox.domain.payment.TransactionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Settles a transaction whose webhook never came: polls the provider 200 ms after the create, then 1 s, then doubling
 * up to the cap, until a final status or {@code maxWait} after intake (then it fails with reason {@code timeout}). One
 * poll job per transaction (dedupe key = its id); a webhook that settles the transaction cancels it.
 */
public final class PollProvider implements JobHandler {
  private final UnitOfWork unitOfWork;
  private final PaymentTransactions transactions;
  private final PaymentProvider provider;
  private final ProviderReports reports;
  private final PaymentSettings settings;
  private final Clock clock;
  private final PaymentJobs paymentJobs;

  public PollProvider(UnitOfWork unitOfWork, PaymentTransactions transactions, PaymentProvider provider, Jobs jobs, Payloads payloads,
      PaymentSettings settings, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.transactions = transactions;
    this.provider = provider;
    this.paymentJobs = new PaymentJobs(payloads);
    this.reports = new ProviderReports(transactions, jobs, paymentJobs, clock);
    this.settings = settings;
    this.clock = clock;
  }

  /** The handler decides every delay and when to stop, so attempts are never the limit. */
  public static Subscription subscription(int concurrency) {
    return Subscription.forCommands(PaymentJobs.SETTLE_POLL)
        .withConcurrency(concurrency)
        .withRetry(new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 1_000_000));
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
    Instant now = clock.instant();
    Instant deadline = tx.createdAt().plus(settings.maxWait());
    if (!now.isBefore(deadline)) {
      settle(id, ProviderStatus.FAILED, Optional.of("timeout"));
      return Outcome.done();
    }
    Lookup lookup = provider.find(id);
    String said = switch (lookup) {
      case Lookup.Found f when f.status().terminal() -> {
        settle(id, f.status(), f.reason());
        yield null;
      }
      case Lookup.Found f -> "pending";
      case Lookup.NotFound n -> "not found";
      case Lookup.Unavailable u -> "no answer: " + u.why();
      case Lookup.Throttled t -> "throttled";
    };
    if (said == null) {
      return Outcome.done();
    }
    if (lookup instanceof Lookup.Throttled t) {
      return Outcome.defer(t.after(), "payment provider asked to slow down");
    }
    unitOfWork.inTransaction(() -> transactions.record(id, new HistoryEntry(clock.instant(), "provider.poll", said)));
    Duration wait = settings.pollDelayAfter(job.attempt());
    Duration left = Duration.between(now, deadline);
    return Outcome.retryAfter(wait.compareTo(left) > 0 ? left : wait, "provider says " + said);
  }

  private void settle(UUID id, ProviderStatus status, Optional<String> reason) {
    unitOfWork.inTransaction(() -> {
      PaymentTransaction locked = transactions.lock(id).orElseThrow();
      reports.report(locked, status, reason, "provider.poll", false);
    });
  }
}
