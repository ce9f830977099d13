package dev.relaybox.adapters.metrics;

import dev.relaybox.application.order.port.out.CustomerDirectory;
import dev.relaybox.application.order.port.out.DependencyUnavailableException;
import dev.relaybox.application.order.port.out.Inventory;
import dev.relaybox.application.order.port.out.PaymentAuthorizer;
import dev.relaybox.domain.order.OrderLine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The commerce ports as operations sees them. Every call is timed by port, operation and outcome:
 * {@code relaybox_commerce_calls_seconds{port,operation,outcome}}, port {@code customers}, {@code inventory} or
 * {@code authorizations}, outcome {@code ok}, {@code unavailable} (timeout, 5xx, unreachable or circuit open: the
 * caller got a 503 or a retried job) or {@code error}. Each port's circuit breaker is
 * {@code relaybox_commerce_circuit_state{port,state}}, the same gauge the notification channels' circuits use.
 */
public final class MeteredCommerce {
  private final MeterRegistry registry;

  public MeteredCommerce(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers {@code relaybox_commerce_circuit_state{port,state}}; {@code state} reads closed, open or half-open. */
  public void circuitState(String port, List<String> states, Supplier<String> state) {
    MeteredChannel.circuitState(registry, "relaybox.commerce.circuit.state", "port", port, states, state);
  }

  public CustomerDirectory customers(CustomerDirectory delegate) {
    return customerId -> timed("customers", "exists", () -> delegate.exists(customerId));
  }

  public Inventory inventory(Inventory delegate) {
    return new Inventory() {
      @Override
      public Reservation reserve(UUID orderId, List<OrderLine> lines) {
        return timed("inventory", "reserve", () -> delegate.reserve(orderId, lines));
      }

      @Override
      public Optional<String> findReservation(UUID orderId) {
        return timed("inventory", "find", () -> delegate.findReservation(orderId));
      }

      @Override
      public void release(String reservationId) {
        timed("inventory", "release", () -> {
          delegate.release(reservationId);
          return null;
        });
      }
    };
  }

  public PaymentAuthorizer authorizations(PaymentAuthorizer delegate) {
    return new PaymentAuthorizer() {
      @Override
      public Authorization authorize(UUID orderId, String customerId, long amount, String currency) {
        return timed("authorizations", "authorize", () -> delegate.authorize(orderId, customerId, amount, currency));
      }

      @Override
      public Optional<Authorization> find(UUID orderId) {
        return timed("authorizations", "find", () -> delegate.find(orderId));
      }

      @Override
      public void voidAuthorization(String authorizationId) {
        timed("authorizations", "void", () -> {
          delegate.voidAuthorization(authorizationId);
          return null;
        });
      }
    };
  }

  private <T> T timed(String port, String operation, Supplier<T> call) {
    long started = System.nanoTime();
    String outcome = "error";
    try {
      T result = call.get();
      outcome = "ok";
      return result;
    } catch (DependencyUnavailableException e) {
      outcome = "unavailable";
      throw e;
    } finally {
      Timer.builder("relaybox.commerce.calls")
          .description("Calls to the commerce dependencies by port, operation and outcome")
          .tags("port", port, "operation", operation, "outcome", outcome)
          .publishPercentileHistogram()
          .register(registry)
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }
}
