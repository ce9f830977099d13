package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.payment.port.out.HistoryEntry;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.ProviderStatus;
import java.time.Clock;
import java.util.Optional;

/**
 * The provider's word on a transaction, from a webhook, a poll or the create job's look-up. The first final answer
 * is kept, hands the transaction to the balance job and cancels the pending poll; later answers are only recorded.
 */
final class ProviderReports {
  private final PaymentTransactions transactions;
  private final Jobs jobs;
  private final Clock clock;
  private final PaymentJobs paymentJobs;

  ProviderReports(PaymentTransactions transactions, Jobs jobs, PaymentJobs paymentJobs, Clock clock) {
    this.paymentJobs = paymentJobs;
    this.transactions = transactions;
    this.jobs = jobs;
    this.clock = clock;
  }

  /**
   * Must run inside a unit of work, on a row locked by the caller.
   *
   * @return true when this report settled the transaction at the provider
   */
  boolean report(PaymentTransaction locked, ProviderStatus status, Optional<String> reason, String source, boolean cancelPoll) {
    String said = status.wire() + reason.map(r -> " (" + r + ")").orElse("");
    if (!status.terminal()) {
      transactions.record(locked.id(), new HistoryEntry(clock.instant(), source, "provider reports " + said));
      return false;
    }
    if (locked.providerSettled()) {
      transactions.record(locked.id(), new HistoryEntry(clock.instant(), source,
          "provider reports " + said + "; already settled as " + locked.providerStatus().orElseThrow().wire()));
      return false;
    }
    transactions.record(locked.id(), new HistoryEntry(clock.instant(), source, "provider reports " + said));
    settle(locked, status, reason);
    if (cancelPoll) {
      jobs.cancel(PaymentJobs.SETTLE_POLL, PaymentJobs.pollKey(locked.id()), "settled by " + source);
    }
    return true;
  }

  /**
   * Fails a transaction the provider was never asked to create (its create was cancelled before it was sent): the
   * final word is Relaybox's own, and the history says so rather than "provider reports". Same unit of work and lock
   * as {@link #report}.
   */
  void failUnsent(PaymentTransaction locked, String reason, String source, String why) {
    transactions.record(locked.id(), new HistoryEntry(clock.instant(), source, why + "; failed without the provider (" + reason + ")"));
    settle(locked, ProviderStatus.FAILED, Optional.of(reason));
  }

  /** The final word, handed to the balance job, which moves the status, the balance and the callback in one step. */
  private void settle(PaymentTransaction locked, ProviderStatus status, Optional<String> reason) {
    transactions.update(locked.withProvider(status, reason));
    jobs.enqueue(paymentJobs.apply(locked.id(), locked.accountId()));
  }
}
