package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.payment.port.in.ProviderWebhook;
import dev.relaybox.application.payment.port.in.ReceiveProviderWebhookUseCase;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.domain.payment.PaymentTransaction;
import java.time.Clock;
import java.util.Optional;

/**
 * The provider's verified webhook. The {@code webhook-id} is recorded in the same database transaction as its effect,
 * so a redelivery changes nothing. It may arrive before the create job has finished: the create job then finds the
 * transaction settled and stops.
 */
public final class ProviderWebhookService implements ReceiveProviderWebhookUseCase {
  private final UnitOfWork unitOfWork;
  private final PaymentTransactions transactions;
  private final ProviderReports reports;
  private final Clock clock;

  public ProviderWebhookService(UnitOfWork unitOfWork, PaymentTransactions transactions, Jobs jobs, Payloads payloads, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.transactions = transactions;
    this.reports = new ProviderReports(transactions, jobs, new PaymentJobs(payloads), clock);
    this.clock = clock;
  }

  @Override
  public Receipt receive(ProviderWebhook webhook) {
    if (transactions.find(webhook.transactionId()).isEmpty()) {
      return Receipt.UNKNOWN_TRANSACTION;
    }
    return unitOfWork.inTransaction(() -> {
      if (!transactions.firstWebhook(webhook.webhookId(), webhook.transactionId(), clock.instant())) {
        return Receipt.DUPLICATE;
      }
      Optional<PaymentTransaction> locked = transactions.lock(webhook.transactionId());
      reports.report(locked.orElseThrow(), webhook.status(), webhook.reason(), "webhook", true);
      return Receipt.APPLIED;
    });
  }
}
