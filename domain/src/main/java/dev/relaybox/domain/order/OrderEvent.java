package dev.relaybox.domain.order;

import dev.relaybox.domain.shared.EventType;

/** What the order announces on each move; the event carries the order as it is after the move. */
public enum OrderEvent {
  CREATED("order.created"), SHIPPED("order.shipped"), DELIVERED("order.delivered"), CANCELLED("order.cancelled");

  private final EventType type;

  OrderEvent(String type) {
    this.type = new EventType(type);
  }

  public EventType type() {
    return type;
  }

  public static OrderEvent announcing(OrderStatus status) {
    return switch (status) {
      case PROCESSING -> CREATED;
      case SHIPPED -> SHIPPED;
      case DELIVERED -> DELIVERED;
      case CANCELED -> CANCELLED;
      case PENDING -> throw new IllegalArgumentException("a pending order announces nothing yet");
    };
  }
}
