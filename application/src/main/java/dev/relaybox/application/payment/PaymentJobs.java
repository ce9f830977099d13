package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.domain.payment.TransactionStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** The payment context's jobs and their payloads. */
final class PaymentJobs {
  static final String BALANCE = "payment.balance";
  static final String CREATE = "payment.create";
  static final String SETTLE_POLL = "payment.settle";
  static final String CALLBACK = "payment.callback";

  static final String HOLD = "hold";
  static final String APPLY = "apply";

  private final Payloads payloads;

  PaymentJobs(Payloads payloads) {
    this.payloads = payloads;
  }

  /** What every payment job carries: its transaction, and for balance and callback jobs the step (else empty). */
  record Payload(UUID transactionId, String step) {
    Payload {
      Objects.requireNonNull(transactionId, "transactionId");
      step = step == null ? "" : step;
    }
  }

  Payload read(ClaimedJob job) {
    return read(job.payloadJson());
  }

  Payload read(String payloadJson) {
    return payloads.read(payloadJson, Payload.class);
  }

  private String payload(UUID transactionId, String step) {
    return payloads.write(new Payload(transactionId, step));
  }

  /** Balance work runs one at a time per account, in order. */
  EnqueueJob hold(UUID transactionId, UUID accountId) {
    return EnqueueJob.of(BALANCE, payload(transactionId, HOLD)).key(accountId.toString()).dedupeKey(HOLD + ":" + transactionId);
  }

  EnqueueJob apply(UUID transactionId, UUID accountId) {
    return EnqueueJob.of(BALANCE, payload(transactionId, APPLY)).key(accountId.toString()).dedupeKey(APPLY + ":" + transactionId);
  }

  EnqueueJob create(UUID transactionId) {
    return EnqueueJob.of(CREATE, payload(transactionId, "")).dedupeKey(transactionId.toString());
  }

  /** One pending poll per transaction: a settling webhook cancels it by this dedupe key. */
  EnqueueJob poll(UUID transactionId, Instant at) {
    return EnqueueJob.of(SETTLE_POLL, payload(transactionId, "")).dedupeKey(pollKey(transactionId)).runAt(at);
  }

  static String pollKey(UUID transactionId) {
    return transactionId.toString();
  }

  EnqueueJob callback(UUID transactionId, TransactionStatus status) {
    return EnqueueJob.of(CALLBACK, payload(transactionId, status.wire())).dedupeKey(webhookId(transactionId, status));
  }

  /** The callback's {@code webhook-id}: one per transaction and status, the same on every retry. */
  static String webhookId(UUID transactionId, TransactionStatus status) {
    return "msg_" + transactionId.toString().replace("-", "") + "_" + status.wire();
  }
}
