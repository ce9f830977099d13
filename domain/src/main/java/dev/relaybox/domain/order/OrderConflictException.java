package dev.relaybox.domain.order;

/** A change the order's current status does not allow, e.g. cancelling an order that has shipped. */
public final class OrderConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final OrderStatus current;

  public OrderConflictException(OrderStatus current, String message) {
    super(message);
    this.current = current;
  }

  public OrderStatus current() {
    return current;
  }
}
