package dev.relaybox.domain.order;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An order of one customer on one storefront. Amounts are minor units of {@code currency}. The reservation and
 * authorisation ids are the inventory's and the payment authoriser's, kept so that compensation can find them.
 */
public record Order(
    UUID id,
    String customerId,
    String storefront,
    String currency,
    List<OrderLine> lines,
    ShippingAddress shippingAddress,
    OrderStatus status,
    Optional<String> cancelReason,
    Optional<String> reservationId,
    Optional<String> authorizationId,
    Optional<Shipment> shipment,
    Instant createdAt,
    Instant updatedAt) {

  public Order {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(storefront, "storefront");
    Objects.requireNonNull(currency, "currency");
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("an order has at least one line");
    }
    Objects.requireNonNull(shippingAddress, "shippingAddress");
    Objects.requireNonNull(status, "status");
    cancelReason = cancelReason == null ? Optional.empty() : cancelReason;
    reservationId = reservationId == null ? Optional.empty() : reservationId;
    authorizationId = authorizationId == null ? Optional.empty() : authorizationId;
    shipment = shipment == null ? Optional.empty() : shipment;
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** A new order whose stock is reserved and whose payment is about to be authorised. */
  public static Order pending(UUID id, String customerId, String storefront, String currency, List<OrderLine> lines,
      ShippingAddress address, String reservationId, Instant now) {
    return new Order(id, customerId, storefront, currency, lines, address, OrderStatus.PENDING, Optional.empty(),
        Optional.of(reservationId), Optional.empty(), Optional.empty(), now, now);
  }

  public long amount() {
    return lines.stream().mapToLong(OrderLine::total).sum();
  }

  public Order authorized(String authorization, Instant now) {
    return moveTo(OrderStatus.PROCESSING, now).withAuthorization(authorization);
  }

  public Order declined(String authorization, Instant now) {
    return cancel("payment_declined", now).withAuthorization(authorization);
  }

  public Order ship(String carrier, String trackingNumber, Instant now) {
    Order moved = moveTo(OrderStatus.SHIPPED, now);
    return new Order(id, customerId, storefront, currency, lines, shippingAddress, moved.status, cancelReason, reservationId,
        authorizationId, Optional.of(new Shipment(carrier, trackingNumber, now)), createdAt, now);
  }

  public Order deliver(Instant now) {
    return moveTo(OrderStatus.DELIVERED, now);
  }

  public Order cancel(String reason, Instant now) {
    Order moved = moveTo(OrderStatus.CANCELED, now);
    return new Order(id, customerId, storefront, currency, lines, shippingAddress, moved.status, Optional.of(reason),
        reservationId, authorizationId, shipment, createdAt, now);
  }

  private Order withAuthorization(String authorization) {
    return new Order(id, customerId, storefront, currency, lines, shippingAddress, status, cancelReason, reservationId,
        Optional.of(authorization), shipment, createdAt, updatedAt);
  }

  private Order moveTo(OrderStatus next, Instant now) {
    if (!status.canMoveTo(next)) {
      throw new OrderConflictException(status, "the order is " + status.wire() + " and cannot become " + next.wire());
    }
    return new Order(id, customerId, storefront, currency, lines, shippingAddress, next, cancelReason, reservationId,
        authorizationId, shipment, createdAt, now);
  }
}
