package dev.relaybox.application.order.port.out;

import dev.relaybox.domain.order.Order;
import dev.relaybox.domain.order.OrderChange;
import dev.relaybox.domain.order.OrderStatus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Orders, their history and the idempotency keys of their creation. Writes and locks join the caller's transaction. */
public interface Orders {

  /** Stores a new order and its first history line; a second add of the same id changes nothing. */
  void add(Order order, OrderChange first);

  /** Reads and row-locks the order until the transaction ends, so concurrent changes queue behind each other. */
  Optional<Order> lock(UUID id);

  Optional<Order> find(UUID id);

  void update(Order order, OrderChange change);

  List<OrderChange> history(UUID id);

  OrderPage list(OrderQuery query);

  /**
   * Claims {@code key} for {@code orderId}; a concurrent claim of the same key waits for this transaction.
   *
   * @return empty when the key was free, else the order id and request fingerprint it was first claimed with
   */
  Optional<KeyUse> claimKey(String key, byte[] fingerprint, UUID orderId);

  /**
   * Frees {@code key} so the caller's retry starts afresh, unless it no longer names {@code orderId} or that order went
   * through (processing, shipped or delivered: a retry with the same key finished it meanwhile, and the key must keep
   * answering with it). Locks the order's row first, as {@link #keyNames} is called after {@link #lock}, so the two
   * never wait on each other in opposite orders.
   */
  void forgetKey(String key, UUID orderId);

  /** Whether {@code key} still names {@code orderId}; share-locks the key's row until the transaction ends. */
  boolean keyNames(String key, UUID orderId);

  record KeyUse(UUID orderId, byte[] fingerprint) {}

  record OrderQuery(Optional<String> customerId, Optional<OrderStatus> status, int limit, Optional<UUID> after) {}

  record OrderPage(List<Order> orders, Optional<UUID> next) {}
}
