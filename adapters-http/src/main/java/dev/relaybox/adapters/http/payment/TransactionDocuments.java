package dev.relaybox.adapters.http.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.payment.port.out.PaymentDocuments;
import dev.relaybox.domain.payment.PaymentTransaction;
import java.io.UncheckedIOException;

/** The data of {@code payment.*} events: the transaction exactly as {@code GET /v1/accounts/{id}/transactions} lists it. */
public final class TransactionDocuments implements PaymentDocuments {
  private final ObjectMapper json;

  public TransactionDocuments(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String json(PaymentTransaction transaction) {
    try {
      return json.writeValueAsString(PaymentRoutes.TransactionView.of(transaction));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
