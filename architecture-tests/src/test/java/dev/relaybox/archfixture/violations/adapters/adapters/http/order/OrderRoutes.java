package dev.relaybox.archfixture.violations.adapters.adapters.http.order;

import dev.relaybox.archfixture.violations.adapters.adapters.persistence.order.JdbiOrders;

/** VIOLATES ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER: the http adapter reaching into the persistence adapter. */
public final class OrderRoutes {
  private final JdbiOrders orders = new JdbiOrders();

  public String get(String id) {
    return orders.find(id);
  }
}
