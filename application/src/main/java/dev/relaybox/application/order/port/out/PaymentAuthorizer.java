package dev.relaybox.application.order.port.out;

import java.util.Optional;
import java.util.UUID;

/**
 * Authorises an order's payment, idempotently on the order id; a compensation finds an authorisation by order id and
 * voids it. Every method may throw {@link DependencyUnavailableException}.
 */
public interface PaymentAuthorizer {

  Authorization authorize(UUID orderId, String customerId, long amount, String currency);

  Optional<Authorization> find(UUID orderId);

  /** Voids the authorisation; voiding one that is already void or was declined is not an error. */
  void voidAuthorization(String authorizationId);

  enum Status { APPROVED, DECLINED, VOIDED }

  record Authorization(String id, Status status) {}
}
