package dev.relaybox.application.order;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.order.port.out.DependencyUnavailableException;
import dev.relaybox.application.order.port.out.Inventory;
import dev.relaybox.application.order.port.out.Orders;
import dev.relaybox.application.order.port.out.PaymentAuthorizer;
import dev.relaybox.domain.order.Order;
import dev.relaybox.domain.order.OrderChange;
import dev.relaybox.domain.order.OrderStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes what an order that did not go through may have left behind, found by order id: releases its stock
 * reservation and voids an approved authorisation. An order that went through (processing, shipped, delivered) is left
 * alone; one still pending is an abandoned request and is cancelled first. Idempotent, so it runs as often as needed:
 * after a 503, after a decline or a cancellation, and once as a safety net for every order placed.
 */
public final class CompensateOrder implements JobHandler {
  public static final String SUBSCRIPTION = "order.compensation";
  public static final String ORDER_ID_HEADER = "orderId";
  private static final Logger LOG = LoggerFactory.getLogger(CompensateOrder.class);

  private final UnitOfWork unitOfWork;
  private final Orders orders;
  private final Inventory inventory;
  private final PaymentAuthorizer payments;
  private final Clock clock;

  public CompensateOrder(UnitOfWork unitOfWork, Orders orders, Inventory inventory, PaymentAuthorizer payments, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.orders = orders;
    this.inventory = inventory;
    this.payments = payments;
    // PostgreSQL keeps microseconds: an order's times in answers and events are the ones a later GET returns.
    this.clock = Clock.tick(clock, Duration.of(1, ChronoUnit.MICROS));
  }

  /** Retried for about a day (capped at 10 minutes apart): a compensation must not give up while a dependency is down. */
  public static Subscription subscription() {
    return Subscription.forCommands(SUBSCRIPTION)
        .withRetry(new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 150))
        .withConcurrency(4)
        .withTimeout(Duration.ofSeconds(60));
  }

  /** Keyed by the order id (not FIFO: compensations are idempotent) so that the admin look-up of an order lists them. */
  static EnqueueJob job(UUID orderId, String reason) {
    return EnqueueJob.of(SUBSCRIPTION, "{}").key(orderId.toString())
        .headers(Map.of(ORDER_ID_HEADER, orderId.toString(), "reason", reason));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    UUID orderId = UUID.fromString(job.header(ORDER_ID_HEADER)
        .orElseThrow(() -> new IllegalArgumentException("job " + job.id() + " names no order")));
    Optional<OrderStatus> status = settle(orderId);
    if (status.isPresent() && status.get() != OrderStatus.CANCELED) {
      return Outcome.done();
    }
    try {
      Optional<String> reservation = inventory.findReservation(orderId);
      if (reservation.isPresent()) {
        inventory.release(reservation.get());
        LOG.info("order {}: reservation {} released", orderId, reservation.get());
      }
      Optional<PaymentAuthorizer.Authorization> authorization = payments.find(orderId);
      if (authorization.isPresent() && authorization.get().status() == PaymentAuthorizer.Status.APPROVED) {
        payments.voidAuthorization(authorization.get().id());
        LOG.info("order {}: authorisation {} voided", orderId, authorization.get().id());
      }
      return Outcome.done();
    } catch (DependencyUnavailableException e) {
      return Outcome.retryAfter(e.retryAfter(), e.getMessage());
    }
  }

  /** Cancels a pending (abandoned) order; @return the order's status after that, empty when it was never stored. */
  private Optional<OrderStatus> settle(UUID orderId) {
    return unitOfWork.inTransaction(() -> orders.lock(orderId).map(order -> {
      if (order.status() != OrderStatus.PENDING) {
        return order.status();
      }
      Order abandoned = order.cancel("abandoned", clock.instant());
      orders.update(abandoned, new OrderChange(Optional.of(OrderStatus.PENDING), OrderStatus.CANCELED,
          "the placing request never finished", abandoned.updatedAt()));
      return abandoned.status();
    }));
  }
}
