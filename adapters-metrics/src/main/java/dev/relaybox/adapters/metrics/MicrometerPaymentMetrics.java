package dev.relaybox.adapters.metrics;

import dev.relaybox.application.payment.port.out.PaymentMetrics;
import dev.relaybox.domain.payment.TransactionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code relaybox_payment_transactions_total{status}}: transactions entering each status (pending at intake, then
 * processing, succeeded, failed, rejected); {@code relaybox_payment_balance_updates_total{kind}}: holds, releases,
 * credits and debits applied to balances.
 */
public final class MicrometerPaymentMetrics implements PaymentMetrics {
  private final MeterRegistry registry;

  public MicrometerPaymentMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (TransactionStatus status : TransactionStatus.values()) {
      transactions(status);
    }
  }

  private Counter transactions(TransactionStatus status) {
    return Counter.builder("relaybox.payment.transactions")
        .description("Payment transactions entering each status")
        .tag("status", status.wire())
        .register(registry);
  }

  @Override
  public void transactionMoved(TransactionStatus status) {
    transactions(status).increment();
  }

  @Override
  public void balanceUpdated(String kind) {
    Counter.builder("relaybox.payment.balance.updates")
        .description("Changes applied to account balances")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }
}
