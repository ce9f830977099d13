package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.domain.payment.TransactionStatus;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The payment context's jobs and their payloads. Payloads hold only ids and fixed words, so they are written without
 * escaping and read back with a strict pattern.
 */
final class PaymentJobs {
  static final String BALANCE = "payment.balance";
  static final String CREATE = "payment.create";
  static final String SETTLE_POLL = "payment.settle";
  static final String CALLBACK = "payment.callback";

  static final String HOLD = "hold";
  static final String APPLY = "apply";

  // The job table stores payloads as jsonb, which reorders keys and adds spaces: read each field on its own.
  private static final Pattern TRANSACTION_ID = Pattern.compile("\"transactionId\"\\s*:\\s*\"([0-9a-f-]{36})\"");
  private static final Pattern STEP = Pattern.compile("\"step\"\\s*:\\s*\"([a-z]+)\"");

  private PaymentJobs() {}

  record Payload(UUID transactionId, String step) {}

  static Payload read(ClaimedJob job) {
    Matcher id = TRANSACTION_ID.matcher(job.payloadJson());
    if (!id.find()) {
      throw new IllegalArgumentException("not a payment job payload: " + job.payloadJson());
    }
    Matcher step = STEP.matcher(job.payloadJson());
    return new Payload(UUID.fromString(id.group(1)), step.find() ? step.group(1) : "");
  }

  private static String payload(UUID transactionId, String step) {
    return "{\"transactionId\":\"" + transactionId + "\"" + (step.isEmpty() ? "" : ",\"step\":\"" + step + "\"") + "}";
  }

  /** Balance work runs one at a time per account, in order. */
  static EnqueueJob hold(UUID transactionId, UUID accountId) {
    return EnqueueJob.of(BALANCE, payload(transactionId, HOLD)).key(accountId.toString()).dedupeKey(HOLD + ":" + transactionId);
  }

  static EnqueueJob apply(UUID transactionId, UUID accountId) {
    return EnqueueJob.of(BALANCE, payload(transactionId, APPLY)).key(accountId.toString()).dedupeKey(APPLY + ":" + transactionId);
  }

  static EnqueueJob create(UUID transactionId) {
    return EnqueueJob.of(CREATE, payload(transactionId, "")).dedupeKey(transactionId.toString());
  }

  /** One pending poll per transaction: a settling webhook cancels it by this dedupe key. */
  static EnqueueJob poll(UUID transactionId, Instant at) {
    return EnqueueJob.of(SETTLE_POLL, payload(transactionId, "")).dedupeKey(pollKey(transactionId)).runAt(at);
  }

  static String pollKey(UUID transactionId) {
    return transactionId.toString();
  }

  static EnqueueJob callback(UUID transactionId, TransactionStatus status) {
    return EnqueueJob.of(CALLBACK, payload(transactionId, status.wire())).dedupeKey(webhookId(transactionId, status));
  }

  /** The callback's {@code webhook-id}: one per transaction and status, the same on every retry. */
  static String webhookId(UUID transactionId, TransactionStatus status) {
    return "msg_" + transactionId.toString().replace("-", "") + "_" + status.wire();
  }
}
