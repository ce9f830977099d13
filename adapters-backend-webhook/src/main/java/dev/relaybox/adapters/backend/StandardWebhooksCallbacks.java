package dev.relaybox.adapters.backend;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.application.payment.port.out.PaymentCallbacks;
import dev.relaybox.domain.payment.PaymentTransaction;
import java.net.URI;
import java.util.Optional;

/**
 * Payment callbacks through the shared {@link StandardWebhooksSender}, signed with {@code RELAYBOX_CALLBACK_SECRET}:
 * {@code {"type": "transaction.updated", "data": <transaction>}}, the transaction as {@code GET /v1/transactions/{id}}
 * shows it (without its history).
 */
public final class StandardWebhooksCallbacks implements PaymentCallbacks {
  private final Optional<StandardWebhooksSender> sender;
  private final ObjectMapper json;

  public StandardWebhooksCallbacks(Optional<StandardWebhooksSender> sender, ObjectMapper json) {
    this.sender = sender;
    this.json = json;
  }

  @Override
  public boolean configured() {
    return sender.isPresent();
  }

  @Override
  public Delivery send(URI url, String webhookId, PaymentTransaction t) {
    ObjectNode data = json.createObjectNode()
        .put("id", t.id().toString())
        .put("accountId", t.accountId().toString())
        .put("type", t.type().wire())
        .put("amount", t.amount())
        .put("currency", t.currency().code())
        .put("status", t.status().wire());
    t.reference().ifPresent(r -> data.put("reference", r));
    t.reason().ifPresent(r -> data.put("reason", r));
    data.put("createdAt", t.createdAt().toString());
    t.settledAt().ifPresent(at -> data.put("settledAt", at.toString()));
    ObjectNode body = json.createObjectNode().put("type", "transaction.updated");
    body.set("data", data);
    StandardWebhooksSender.Sent sent = sender.orElseThrow().post(url, webhookId, body.toString());
    return new Delivery(sent.status(), sent.summary(), sent.retryAfter());
  }
}
