package dev.relaybox.adapters.metrics;

import dev.relaybox.application.payment.port.out.PaymentProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.UUID;

/**
 * Times every provider call by operation and outcome: {@code relaybox_payment_provider_calls_seconds{operation,outcome}}
 * (count, sum and histogram buckets), operation {@code lookup} or {@code create}, outcome e.g. {@code found},
 * {@code not_found}, {@code created}, {@code unknown}, {@code not_created}, {@code refused}, {@code throttled}.
 */
public final class MeteredPaymentProvider implements PaymentProvider {
  private final PaymentProvider delegate;
  private final MeterRegistry registry;

  public MeteredPaymentProvider(PaymentProvider delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
  }

  @Override
  public Lookup find(UUID transactionId) {
    long started = System.nanoTime();
    Lookup lookup = delegate.find(transactionId);
    record("lookup", switch (lookup) {
      case Lookup.Found f -> "found";
      case Lookup.NotFound n -> "not_found";
      case Lookup.Throttled t -> "throttled";
      case Lookup.Unavailable u -> "unavailable";
    }, started);
    return lookup;
  }

  @Override
  public Creation create(ProviderRequest request) {
    long started = System.nanoTime();
    Creation creation = delegate.create(request);
    record("create", switch (creation) {
      case Creation.Created c -> c.alreadyExisted() ? "already_exists" : "created";
      case Creation.Unknown u -> "unknown";
      case Creation.NotCreated n -> "not_created";
      case Creation.Throttled t -> "throttled";
      case Creation.Refused r -> "refused";
    }, started);
    return creation;
  }

  private void record(String operation, String outcome, long started) {
    Timer.builder("relaybox.payment.provider.calls")
        .description("Payment provider calls by operation and outcome")
        .tags("operation", operation, "outcome", outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
