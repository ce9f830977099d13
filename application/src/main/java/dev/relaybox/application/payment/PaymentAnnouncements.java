package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.application.payment.port.out.PaymentDocuments;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.domain.payment.PaymentEvent;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.util.Map;
import java.util.UUID;

/**
 * Publishes the event a transaction's move announces. Callers run it in the unit of work that moved the status, after
 * locking the row and only when they changed it, so each transition is announced once. Keyed by the transaction id, so
 * a transaction's events keep their order.
 */
public final class PaymentAnnouncements {
  private final PaymentTransactions transactions;
  private final Outbox outbox;
  private final PaymentDocuments documents;
  private final TimeOrderedIds ids;

  public PaymentAnnouncements(PaymentTransactions transactions, Outbox outbox, PaymentDocuments documents, TimeOrderedIds ids) {
    this.transactions = transactions;
    this.outbox = outbox;
    this.documents = documents;
    this.ids = ids;
  }

  /**
   * Must run inside the unit of work that stored the move. The row is read back as stored (the database keeps
   * microseconds), so the event's data is what {@code GET} shows.
   */
  void announce(UUID transactionId) {
    PaymentTransaction moved = transactions.lock(transactionId).orElseThrow();
    PaymentEvent.announcing(moved.status()).ifPresent(event -> outbox.publish(
        new OutboxEvent(ids.next(), event.type(), moved.id().toString(), documents.json(moved), Map.of())));
  }
}
