package dev.relaybox.archfixture.compliant.domain.payment;

import dev.relaybox.archfixture.compliant.domain.order.Order;

/** payment -> order is one-way: allowed. */
public record Payment(Order order, String providerReference) {}
