package dev.relaybox.application.payment.port.out;

import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.TransactionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Transactions, their history and the provider webhooks already seen; writes join the caller's transaction. */
public interface PaymentTransactions {

  /**
   * Inserts {@code transaction} unless the account already has one under {@code idempotencyKey}; safe under races (the
   * unique constraint decides, the loser reads the winner's row).
   */
  StoredTransaction addIfAbsent(PaymentTransaction transaction, String idempotencyKey, String requestHash);

  Optional<StoredTransaction> findByIdempotencyKey(UUID accountId, String idempotencyKey);

  Optional<PaymentTransaction> find(UUID id);

  /** Reads the transaction and locks its row until the transaction ends. */
  Optional<PaymentTransaction> lock(UUID id);

  void update(PaymentTransaction transaction);

  void record(UUID transactionId, HistoryEntry entry);

  List<HistoryEntry> history(UUID transactionId);

  int countHistory(UUID transactionId, String kind);

  TransactionPage list(UUID accountId, Optional<TransactionStatus> status, int limit, Optional<UUID> after);

  /** @return true the first time {@code webhookId} is seen; false for a redelivery */
  boolean firstWebhook(String webhookId, UUID transactionId, Instant at);

  /** Insert-before-apply: @return true the first time {@code consumer} handles {@code eventId}, false afterwards */
  boolean markProcessed(String consumer, String eventId, Instant at);
}
