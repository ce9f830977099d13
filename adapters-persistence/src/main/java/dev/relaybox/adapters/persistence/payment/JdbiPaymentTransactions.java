package dev.relaybox.adapters.persistence.payment;

import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.payment.port.out.HistoryEntry;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.application.payment.port.out.StoredTransaction;
import dev.relaybox.application.payment.port.out.TransactionPage;
import dev.relaybox.domain.payment.Currency;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.ProviderStatus;
import dev.relaybox.domain.payment.TransactionStatus;
import dev.relaybox.domain.payment.TransactionType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Transactions, history, processed events and webhook receipts; writes and locking reads join the caller's transaction. */
public final class JdbiPaymentTransactions implements PaymentTransactions {
  private static final String COLUMNS = """
      id, account_id, type, amount, currency, reference, callback_url, status, reason, provider_status, provider_reason,
      created_at, settled_at""";

  private final JdbiUnitOfWork unitOfWork;
  private final Jdbi jdbi;

  public JdbiPaymentTransactions(JdbiUnitOfWork unitOfWork, Jdbi jdbi) {
    this.unitOfWork = unitOfWork;
    this.jdbi = jdbi;
  }

  @Override
  public StoredTransaction addIfAbsent(PaymentTransaction t, String idempotencyKey, String requestHash) {
    Handle h = unitOfWork.currentHandle("PaymentTransactions.addIfAbsent");
    int inserted = h.createUpdate("""
            INSERT INTO payment_transaction (id, account_id, idempotency_key, request_hash, type, amount, currency, reference,
                                             callback_url, status, created_at, updated_at)
            VALUES (:id, :accountId, :key, :hash, :type, :amount, :currency, :reference, :callbackUrl, :status, :createdAt, :createdAt)
            ON CONFLICT (account_id, idempotency_key) DO NOTHING""")
        .bind("id", t.id())
        .bind("accountId", t.accountId())
        .bind("key", idempotencyKey)
        .bind("hash", requestHash)
        .bind("type", t.type().wire())
        .bind("amount", t.amount())
        .bind("currency", t.currency().code())
        .bind("reference", t.reference().orElse(null))
        .bind("callbackUrl", t.callbackUrl().orElse(null))
        .bind("status", t.status().wire())
        .bind("createdAt", t.createdAt())
        .execute();
    if (inserted == 1) {
      return new StoredTransaction(t, requestHash, true);
    }
    // The racing insert has committed (ON CONFLICT waited for it), so this new statement sees its row.
    return byKey(h, t.accountId(), idempotencyKey).orElseThrow();
  }

  @Override
  public Optional<StoredTransaction> findByIdempotencyKey(UUID accountId, String idempotencyKey) {
    return jdbi.withHandle(h -> byKey(h, accountId, idempotencyKey));
  }

  private static Optional<StoredTransaction> byKey(Handle h, UUID accountId, String key) {
    return h.createQuery("SELECT " + COLUMNS + ", request_hash FROM payment_transaction WHERE account_id = :accountId AND idempotency_key = :key")
        .bind("accountId", accountId)
        .bind("key", key)
        .map((rs, ctx) -> new StoredTransaction(transaction(rs), rs.getString("request_hash"), false))
        .findOne();
  }

  @Override
  public Optional<PaymentTransaction> find(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM payment_transaction WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> transaction(rs))
        .findOne());
  }

  @Override
  public Optional<PaymentTransaction> lock(UUID id) {
    return unitOfWork.currentHandle("PaymentTransactions.lock")
        .createQuery("SELECT " + COLUMNS + " FROM payment_transaction WHERE id = :id FOR UPDATE")
        .bind("id", id)
        .map((rs, ctx) -> transaction(rs))
        .findOne();
  }

  @Override
  public void update(PaymentTransaction t) {
    unitOfWork.currentHandle("PaymentTransactions.update").createUpdate("""
            UPDATE payment_transaction
            SET status = :status, reason = :reason, provider_status = :providerStatus, provider_reason = :providerReason,
                settled_at = :settledAt, updated_at = now()
            WHERE id = :id""")
        .bind("id", t.id())
        .bind("status", t.status().wire())
        .bind("reason", t.reason().orElse(null))
        .bind("providerStatus", t.providerStatus().map(ProviderStatus::wire).orElse(null))
        .bind("providerReason", t.providerReason().orElse(null))
        .bind("settledAt", t.settledAt().orElse(null))
        .execute();
  }

  @Override
  public void record(UUID transactionId, HistoryEntry entry) {
    unitOfWork.currentHandle("PaymentTransactions.record").createUpdate("""
            INSERT INTO payment_transaction_history (transaction_id, at, kind, detail) VALUES (:id, :at, :kind, :detail)""")
        .bind("id", transactionId)
        .bind("at", entry.at())
        .bind("kind", entry.kind())
        .bind("detail", entry.detail().length() > 2000 ? entry.detail().substring(0, 2000) + "…" : entry.detail())
        .execute();
  }

  @Override
  public List<HistoryEntry> history(UUID transactionId) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT at, kind, detail FROM payment_transaction_history WHERE transaction_id = :id ORDER BY id")
        .bind("id", transactionId)
        .map((rs, ctx) -> new HistoryEntry(rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("kind"),
            rs.getString("detail")))
        .list());
  }

  @Override
  public int countHistory(UUID transactionId, String kind) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT count(*) FROM payment_transaction_history WHERE transaction_id = :id AND kind = :kind")
        .bind("id", transactionId)
        .bind("kind", kind)
        .mapTo(Integer.class)
        .one());
  }

  @Override
  public TransactionPage list(UUID accountId, Optional<TransactionStatus> status, int limit, Optional<UUID> after) {
    List<PaymentTransaction> rows = jdbi.withHandle(h -> h.createQuery("""
            SELECT %s FROM payment_transaction
            WHERE account_id = :accountId
              AND (CAST(:status AS text) IS NULL OR status = :status)
              AND (CAST(:after AS uuid) IS NULL OR id < :after)
            ORDER BY id DESC LIMIT :limit""".formatted(COLUMNS))
        .bind("accountId", accountId)
        .bind("status", status.map(TransactionStatus::wire).orElse(null))
        .bind("after", after.orElse(null))
        .bind("limit", limit + 1)
        .map((rs, ctx) -> transaction(rs))
        .list());
    if (rows.size() > limit) {
      List<PaymentTransaction> page = rows.subList(0, limit);
      return new TransactionPage(List.copyOf(page), Optional.of(page.get(limit - 1).id()));
    }
    return new TransactionPage(rows, Optional.empty());
  }

  @Override
  public boolean firstWebhook(String webhookId, UUID transactionId, Instant at) {
    return unitOfWork.currentHandle("PaymentTransactions.firstWebhook").createUpdate("""
            INSERT INTO payment_webhook_receipt (webhook_id, transaction_id, received_at) VALUES (:webhookId, :transactionId, :at)
            ON CONFLICT (webhook_id) DO NOTHING""")
        .bind("webhookId", webhookId)
        .bind("transactionId", transactionId)
        .bind("at", at)
        .execute() == 1;
  }

  @Override
  public boolean markProcessed(String consumer, String eventId, Instant at) {
    return unitOfWork.currentHandle("PaymentTransactions.markProcessed").createUpdate("""
            INSERT INTO payment_processed_event (consumer, event_id, processed_at) VALUES (:consumer, :eventId, :at)
            ON CONFLICT (consumer, event_id) DO NOTHING""")
        .bind("consumer", consumer)
        .bind("eventId", eventId)
        .bind("at", at)
        .execute() == 1;
  }

  private static PaymentTransaction transaction(ResultSet rs) throws SQLException {
    OffsetDateTime settled = rs.getObject("settled_at", OffsetDateTime.class);
    return new PaymentTransaction(rs.getObject("id", UUID.class), rs.getObject("account_id", UUID.class),
        TransactionType.fromWire(rs.getString("type")), rs.getLong("amount"), new Currency(rs.getString("currency")),
        Optional.ofNullable(rs.getString("reference")), Optional.ofNullable(rs.getString("callback_url")),
        TransactionStatus.fromWire(rs.getString("status")), Optional.ofNullable(rs.getString("reason")),
        ProviderStatus.parse(rs.getString("provider_status")), Optional.ofNullable(rs.getString("provider_reason")),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(), Optional.ofNullable(settled).map(OffsetDateTime::toInstant));
  }
}
