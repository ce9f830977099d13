package dev.relaybox.archfixture.violations.domaincycle.domain.payment;

import dev.relaybox.archfixture.violations.domaincycle.domain.order.Order;

/** VIOLATES DOMAIN_CONTEXTS_ARE_FREE_OF_CYCLES together with Order: payment -> order -> payment. */
public final class Payment {
  public boolean settles(Order order) {
    return order.payment() == this;
  }
}
