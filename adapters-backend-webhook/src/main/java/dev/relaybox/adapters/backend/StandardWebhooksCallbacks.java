package dev.relaybox.adapters.backend;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.application.payment.port.out.PaymentCallbacks;
import com.standardwebhooks.Webhook;
import dev.relaybox.domain.payment.PaymentTransaction;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Payment callbacks through the shared {@link SignedPost} (the one outbound Standard Webhooks path), signed with {@code RELAYBOX_CALLBACK_SECRET}:
 * {@code {"type": "transaction.updated", "data": <transaction>}}, the transaction as {@code GET /v1/transactions/{id}}
 * shows it (without its history).
 */
public final class StandardWebhooksCallbacks implements PaymentCallbacks {
  private final Optional<Webhook> signer;
  private final SignedPost post;
  private final ObjectMapper json;

  /**
   * @param secret {@code RELAYBOX_CALLBACK_SECRET}; callbacks are not sent without it
   * @throws IllegalArgumentException when the secret is not a {@code whsec_} secret
   */
  public StandardWebhooksCallbacks(Optional<String> secret, Duration timeout, ObjectMapper json, Clock clock) {
    this.signer = secret.map(s -> SignedPost.signer(s, "RELAYBOX_CALLBACK_SECRET"));
    this.post = new SignedPost(timeout, clock);
    this.json = json;
  }

  @Override
  public boolean configured() {
    return signer.isPresent();
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
    SignedPost.Answer answer = post.post(url, signer.orElseThrow(), webhookId, body.toString());
    return new Delivery(answer.status(), answer.summary(), answer.retryAfter());
  }
}
