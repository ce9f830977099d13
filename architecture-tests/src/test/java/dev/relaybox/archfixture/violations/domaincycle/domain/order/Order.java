package dev.relaybox.archfixture.violations.domaincycle.domain.order;

import dev.relaybox.archfixture.violations.domaincycle.domain.payment.Payment;

/** VIOLATES DOMAIN_CONTEXTS_ARE_FREE_OF_CYCLES together with Payment: order -> payment -> order. */
public record Order(String id, Payment payment) {}
