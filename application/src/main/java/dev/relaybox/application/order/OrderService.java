package dev.relaybox.application.order;

import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.order.port.in.ChangeOrderUseCase;
import dev.relaybox.application.order.port.in.GetOrderUseCase;
import dev.relaybox.application.order.port.in.OrderInProgressException;
import dev.relaybox.application.order.port.in.OutOfStockException;
import dev.relaybox.application.order.port.in.PlaceOrderCommand;
import dev.relaybox.application.order.port.in.PlaceOrderUseCase;
import dev.relaybox.application.order.port.in.ShipOrderCommand;
import dev.relaybox.application.order.port.out.CustomerDirectory;
import dev.relaybox.application.order.port.out.DependencyUnavailableException;
import dev.relaybox.application.order.port.out.Inventory;
import dev.relaybox.application.order.port.out.OrderDocuments;
import dev.relaybox.application.order.port.out.Orders;
import dev.relaybox.application.order.port.out.Orders.OrderPage;
import dev.relaybox.application.order.port.out.Orders.OrderQuery;
import dev.relaybox.application.order.port.out.PaymentAuthorizer;
import dev.relaybox.application.order.port.out.PaymentAuthorizer.Authorization;
import dev.relaybox.domain.order.Order;
import dev.relaybox.domain.order.OrderChange;
import dev.relaybox.domain.order.OrderEvent;
import dev.relaybox.domain.order.OrderLine;
import dev.relaybox.domain.order.OrderStatus;
import dev.relaybox.domain.shared.Fingerprint;
import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.domain.shared.ValidationException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders. Placing one answers synchronously: customer check, stock reservation, then the order is stored as pending
 * and its payment authorised. Every outside call is keyed by the order id. When a dependency gives no answer, the
 * caller gets 503 and the Idempotency-Key is freed so a retry starts afresh, while a {@link CompensateOrder} job undoes
 * whatever may have taken effect. A second such job, scheduled before the first outside call, settles an order whose
 * request never finished (the node died mid-way). A retry with the same key that finds the order still pending (or
 * not yet stored) finishes it as the first request would have, so the client only ever sees a settled order; when it
 * cannot, it answers "in progress" and leaves the key bound. A key names at most one order that goes through: it is
 * freed only while its order has not gone through, and an order settles only while its key still names it.
 */
public final class OrderService implements PlaceOrderUseCase, ChangeOrderUseCase, GetOrderUseCase {
  private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);
  /** A retry after a request of the same key was superseded finds the key free or bound to the order that replaced it. */
  private static final Duration RETRY_SUPERSEDED = Duration.ofSeconds(1);

  private final UnitOfWork unitOfWork;
  private final Orders orders;
  private final OrderDocuments documents;
  private final CustomerDirectory customers;
  private final Inventory inventory;
  private final PaymentAuthorizer payments;
  private final Outbox outbox;
  private final Jobs jobs;
  private final TimeOrderedIds ids;
  private final Clock clock;
  private final Duration settleAbandonedAfter;

  public OrderService(UnitOfWork unitOfWork, Orders orders, OrderDocuments documents, CustomerDirectory customers, Inventory inventory,
      PaymentAuthorizer payments, Outbox outbox, Jobs jobs, TimeOrderedIds ids, Clock clock, Duration settleAbandonedAfter) {
    this.unitOfWork = unitOfWork;
    this.orders = orders;
    this.documents = documents;
    this.customers = customers;
    this.inventory = inventory;
    this.payments = payments;
    this.outbox = outbox;
    this.jobs = jobs;
    this.ids = ids;
    // PostgreSQL keeps microseconds: an order's times in answers and events are the ones a later GET returns.
    this.clock = Clock.tick(clock, Duration.of(1, ChronoUnit.MICROS));
    this.settleAbandonedAfter = settleAbandonedAfter;
  }

  @Override
  public PlacedOrder place(PlaceOrderCommand command) {
    UUID candidate = ids.next();
    byte[] fingerprint = fingerprint(command);
    UUID orderId = unitOfWork.inTransaction(() -> {
      Optional<Orders.KeyUse> earlier = orders.claimKey(command.idempotencyKey(), fingerprint, candidate);
      if (earlier.isPresent()) {
        if (!MessageDigest.isEqual(earlier.get().fingerprint(), fingerprint)) {
          throw ValidationException.of("Idempotency-Key", "was already used with a different request body");
        }
        return earlier.get().orderId();
      }
      jobs.enqueue(CompensateOrder.job(candidate, "settle").runAt(clock.instant().plus(settleAbandonedAfter))
          .dedupeKey("settle:" + candidate));
      return candidate;
    });
    if (!orderId.equals(candidate)) {
      Optional<Order> existing = orders.find(orderId);
      if (existing.isPresent() && existing.get().status() != OrderStatus.PENDING) {
        return new PlacedOrder(existing.get(), true);
      }
      // the first request is still running, or died mid-way: finish the order the same way (every outside call is
      // idempotent on the order id), but never undo anything or free the key from here
      try {
        return new PlacedOrder(run(orderId, command, true), true);
      } catch (OutOfStockException e) {
        unitOfWork.inTransaction(() -> orders.forgetKey(command.idempotencyKey(), orderId));
        throw e;
      } catch (DependencyUnavailableException e) {
        throw new OrderInProgressException("an earlier request with this Idempotency-Key has not finished and the "
            + e.dependency() + " gave no answer; retry with the same Idempotency-Key", e.retryAfter());
      }
    }
    try {
      return new PlacedOrder(run(orderId, command, false), false);
    } catch (RuntimeException e) {
      if (!(e instanceof ValidationException)) {
        unitOfWork.inTransaction(() -> orders.forgetKey(command.idempotencyKey(), orderId));
      }
      throw e;
    }
  }

  /** @param resuming true when finishing the order of an earlier request with the same key: failures undo nothing */
  private Order run(UUID orderId, PlaceOrderCommand command, boolean resuming) {
    if (!customers.exists(command.customerId())) {
      unitOfWork.inTransaction(() -> orders.forgetKey(command.idempotencyKey(), orderId));
      throw ValidationException.of("customerId", "no such customer");
    }
    Inventory.Reservation reservation;
    try {
      reservation = inventory.reserve(orderId, command.lines());
    } catch (DependencyUnavailableException e) {
      if (!resuming) {
        compensateNow(orderId, "inventory gave no answer");
      }
      throw e;
    }
    String reservationId = switch (reservation) {
      case Inventory.Reservation.Unavailable u -> throw new OutOfStockException(u.skus());
      case Inventory.Reservation.Reserved r -> r.reservationId();
    };
    Instant now = clock.instant();
    Order pending = Order.pending(orderId, command.customerId(), command.storefront(), command.currency(), command.lines(),
        command.shippingAddress(), reservationId, now);
    unitOfWork.inTransaction(() -> orders.add(pending, new OrderChange(Optional.empty(), OrderStatus.PENDING, "placed", now)));
    Authorization authorization;
    try {
      authorization = payments.authorize(orderId, command.customerId(), pending.amount(), command.currency());
    } catch (DependencyUnavailableException e) {
      if (resuming) {
        throw e;
      }
      Optional<Order> settledByRetry = unitOfWork.inTransaction(() -> {
        Optional<Order> locked = orders.lock(orderId);
        if (locked.isPresent() && locked.get().status() != OrderStatus.PENDING && locked.get().authorizationId().isPresent()) {
          return locked; // a retry with the same key finished it meanwhile: that answer stands, the key stays bound
        }
        locked.filter(o -> o.status() == OrderStatus.PENDING).ifPresent(o -> {
          Order abandoned = o.cancel("payment_unavailable", clock.instant());
          orders.update(abandoned, change(o, abandoned, "payment authoriser gave no answer"));
        });
        jobs.enqueue(CompensateOrder.job(orderId, "payment authoriser gave no answer"));
        return Optional.<Order>empty();
      });
      if (settledByRetry.isPresent()) {
        return settledByRetry.get();
      }
      throw e;
    }
    Map<String, String> headers = headers(orderId, command.correlationId(), command.traceparent());
    Optional<Order> settled = unitOfWork.inTransaction(() -> {
      Order current = orders.lock(orderId).orElseThrow();
      if (current.status() != OrderStatus.PENDING && current.authorizationId().equals(Optional.of(authorization.id()))) {
        return Optional.of(current); // a request with the same key settled it with this very authorisation
      }
      if (current.status() != OrderStatus.PENDING) {
        // settled meanwhile (the abandoned-order job ran first); its compensation also voids this authorisation
        jobs.enqueue(CompensateOrder.job(orderId, "authorised after the order was settled"));
        return Optional.of(current);
      }
      if (!orders.keyNames(command.idempotencyKey(), orderId)) {
        // Another request with this key failed and freed it while this one was finishing the order; a retry may
        // already have placed another one. Only the order the key names may go through.
        Order abandoned = current.cancel("abandoned", clock.instant());
        orders.update(abandoned, change(current, abandoned, "its Idempotency-Key was freed by a failed request"));
        jobs.enqueue(CompensateOrder.job(orderId, "its Idempotency-Key was freed by a failed request"));
        return Optional.<Order>empty();
      }
      return Optional.of(switch (authorization.status()) {
        case APPROVED -> move(current, o -> o.authorized(authorization.id(), clock.instant()), "payment authorised", headers);
        case DECLINED, VOIDED -> {
          Order declined = move(current, o -> o.declined(authorization.id(), clock.instant()), "payment declined", headers);
          jobs.enqueue(CompensateOrder.job(orderId, "payment declined"));
          yield declined;
        }
      });
    });
    return settled.orElseThrow(() -> new OrderInProgressException("another request with this Idempotency-Key failed "
        + "while this one was placing the order; retry with the same Idempotency-Key", RETRY_SUPERSEDED));
  }

  private void compensateNow(UUID orderId, String reason) {
    unitOfWork.inTransaction(() -> {
      jobs.enqueue(CompensateOrder.job(orderId, reason));
    });
    LOG.info("order {}: {}; compensation queued", orderId, reason);
  }

  @Override
  public Optional<Order> ship(ShipOrderCommand command) {
    return change(command.orderId(), command.correlationId(),
        o -> o.ship(command.carrier(), command.trackingNumber(), clock.instant()), "shipped with " + command.carrier(), false);
  }

  @Override
  public Optional<Order> deliver(UUID orderId, String correlationId) {
    return change(orderId, correlationId, o -> o.deliver(clock.instant()), "delivered", false);
  }

  @Override
  public Optional<Order> cancel(UUID orderId, String correlationId) {
    return change(orderId, correlationId, o -> o.cancel("requested", clock.instant()), "cancelled on request", true);
  }

  private Optional<Order> change(UUID orderId, String correlationId, UnaryOperator<Order> step, String reason, boolean compensate) {
    return unitOfWork.inTransaction(() -> orders.lock(orderId).map(current -> {
      Order moved = move(current, step, reason, headers(orderId, correlationId, ""));
      if (compensate) {
        jobs.enqueue(CompensateOrder.job(orderId, reason));
      }
      return moved;
    }));
  }

  /** Applies {@code step} to the locked order, records the history line and publishes the event it announces. */
  private Order move(Order current, UnaryOperator<Order> step, String reason, Map<String, String> headers) {
    Order moved = step.apply(current);
    orders.update(moved, change(current, moved, reason));
    OrderEvent event = OrderEvent.announcing(moved.status());
    outbox.publish(new OutboxEvent(ids.next(), event.type(), moved.id().toString(), documents.json(moved), headers));
    LOG.info("order {}: {} -> {} ({})", moved.id(), current.status().wire(), moved.status().wire(), reason);
    return moved;
  }

  private OrderChange change(Order from, Order to, String reason) {
    return new OrderChange(Optional.of(from.status()), to.status(), reason, to.updatedAt());
  }

  private static Map<String, String> headers(UUID orderId, String correlationId, String traceparent) {
    Map<String, String> headers = new HashMap<>();
    headers.put(CompensateOrder.ORDER_ID_HEADER, orderId.toString());
    if (correlationId != null && !correlationId.isEmpty()) {
      headers.put(OutboxEvent.CORRELATION_HEADER, correlationId);
    }
    if (traceparent != null && !traceparent.isEmpty()) {
      headers.put(OutboxEvent.TRACEPARENT_HEADER, traceparent);
    }
    return headers;
  }

  @Override
  public Optional<Order> get(UUID id) {
    return orders.find(id);
  }

  @Override
  public List<OrderChange> history(UUID id) {
    return orders.history(id);
  }

  @Override
  public OrderPage list(OrderQuery query) {
    return orders.list(query);
  }

  private static byte[] fingerprint(PlaceOrderCommand c) {
    List<String> parts = new java.util.ArrayList<>(List.of(c.customerId(), c.storefront(), c.currency(),
        c.shippingAddress().toString()));
    for (OrderLine line : c.lines()) {
      parts.add(line.sku().value() + "\u0000" + line.quantity() + "\u0000" + line.unitPrice());
    }
    return Fingerprint.of(parts);
  }
}
