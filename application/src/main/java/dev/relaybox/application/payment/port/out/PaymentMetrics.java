package dev.relaybox.application.payment.port.out;

import dev.relaybox.domain.payment.TransactionStatus;

/** Business counters of the payment context; provider calls are counted by a decorator of {@link PaymentProvider}. */
public interface PaymentMetrics {

  void transactionMoved(TransactionStatus status);

  /** {@code kind}: hold, release, credit, debit. */
  void balanceUpdated(String kind);

  PaymentMetrics NONE = new PaymentMetrics() {
    @Override
    public void transactionMoved(TransactionStatus status) {}

    @Override
    public void balanceUpdated(String kind) {}
  };
}
