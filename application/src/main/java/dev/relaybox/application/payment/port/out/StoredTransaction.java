package dev.relaybox.application.payment.port.out;

import dev.relaybox.domain.payment.PaymentTransaction;

/** The row kept under an idempotency key, with the hash of the request that created it. */
public record StoredTransaction(PaymentTransaction transaction, String requestHash, boolean created) {}
