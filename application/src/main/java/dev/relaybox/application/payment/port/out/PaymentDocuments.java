package dev.relaybox.application.payment.port.out;

import dev.relaybox.domain.payment.PaymentTransaction;

/** Writes a transaction as the JSON document its {@code payment.*} events carry: the shape the API returns. */
public interface PaymentDocuments {
  String json(PaymentTransaction transaction);
}
