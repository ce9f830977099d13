package dev.relaybox.application.order.port.out;

/** Knows the customers. {@code GET {RELAYBOX_CUSTOMERS_URL}/customers/{id}}. */
public interface CustomerDirectory {

  /** @throws DependencyUnavailableException when the directory gives no answer */
  boolean exists(String customerId);
}
