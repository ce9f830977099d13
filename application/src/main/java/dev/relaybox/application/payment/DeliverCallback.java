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
import dev.relaybox.application.payment.port.out.PaymentCallbacks;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.TransactionStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Tells the client about a final status: one job per transaction and status, the same {@code webhook-id} on every
 * retry. The URL is checked again before each send (DNS may have changed). 2xx is done; no answer, 408, 429 and 5xx
 * are retried with backoff; another 4xx means the client refuses it and the job is dead-lettered.
 */
public final class DeliverCallback implements JobHandler {
  private final UnitOfWork unitOfWork;
  private final PaymentTransactions transactions;
  private final Jobs jobs;
  private final PaymentCallbacks callbacks;
  private final OutboundUrlGuard urlGuard;
  private final Clock clock;
  private final PaymentJobs paymentJobs;

  public DeliverCallback(UnitOfWork unitOfWork, PaymentTransactions transactions, Jobs jobs, Payloads payloads, PaymentCallbacks callbacks,
      OutboundUrlGuard urlGuard, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.jobs = jobs;
    this.transactions = transactions;
    this.callbacks = callbacks;
    this.urlGuard = urlGuard;
    this.clock = clock;
    this.paymentJobs = new PaymentJobs(payloads);
  }

  public static Subscription subscription(PaymentSettings settings, int concurrency) {
    return Subscription.forCommands(PaymentJobs.CALLBACK)
        .withConcurrency(concurrency)
        .withRetry(new RetryPolicy(settings.callbackRetryBase(), settings.callbackRetryCap(), settings.callbackMaxAttempts()));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    PaymentJobs.Payload payload = paymentJobs.read(job);
    UUID id = payload.transactionId();
    TransactionStatus status = TransactionStatus.fromWire(payload.step());
    Optional<PaymentTransaction> found = transactions.find(id);
    if (found.isEmpty()) {
      return Outcome.fail("no transaction " + id);
    }
    PaymentTransaction tx = found.get();
    if (tx.status() != status || tx.callbackUrl().isEmpty()) {
      return Outcome.done(); // a replayed rejection moved on; the newer status has its own callback
    }
    URI url;
    try {
      url = urlGuard.check(tx.callbackUrl().get());
    } catch (OutboundUrlGuard.RefusedUrlException e) {
      note(id, "callback refused before sending: " + e.getMessage());
      return Outcome.fail("callback URL refused: " + e.getMessage());
    }
    if (!callbacks.configured()) {
      return Outcome.defer(Duration.ofMinutes(5), "callbacks are not configured (RELAYBOX_CALLBACK_SECRET)");
    }
    jobs.ensureHeld(job.ref()); // a stale handler stops here; the new owner sends under the same webhook-id
    PaymentCallbacks.Delivery delivery = callbacks.send(url, PaymentJobs.webhookId(id, status), tx);
    note(id, status.wire() + " → " + delivery.summary());
    if (delivery.succeeded()) {
      return Outcome.done();
    }
    int code = delivery.status();
    if (code == 0 || code == 408 || code == 429 || code >= 500) {
      return new Outcome.Retry(delivery.retryAfter(), "callback answered " + delivery.summary());
    }
    return Outcome.fail("callback refused: " + delivery.summary());
  }

  private void note(UUID id, String detail) {
    unitOfWork.inTransaction(() -> transactions.record(id, new HistoryEntry(clock.instant(), "callback", detail)));
  }
}
