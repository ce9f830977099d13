package dev.relaybox.adapters.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.application.webhooks.EventEnvelope;
import dev.relaybox.application.webhooks.port.out.WebhookSender;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Sends the event envelope {@code {id, type, occurredAt, key, correlationId, data}} to a webhook endpoint. Events
 * published before the envelope existed already wrapped their data as {@code {id, type, occurredAt, data}}; their
 * {@code data} is taken as the data, so every event looks the same on the wire.
 */
public final class StandardWebhooksSender implements WebhookSender {
  private final SignedPost post;
  private final ObjectMapper json;

  public StandardWebhooksSender(Duration timeout, ObjectMapper json, Clock clock) {
    this.post = new SignedPost(timeout, clock);
    this.json = json;
  }

  @Override
  public Delivery send(URI url, List<String> secrets, EventEnvelope envelope) {
    SignedPost.Answer answer = post.post(url, secrets.stream().map(SignedPost::signer).toList(), envelope.id().toString(), body(envelope));
    return new Delivery(answer.status(), answer.summary(), answer.latency(), answer.retryAfter());
  }

  String body(EventEnvelope e) {
    ObjectNode node = json.createObjectNode()
        .put("id", e.id().toString())
        .put("type", e.type())
        .put("occurredAt", e.occurredAt().toString());
    node.put("key", e.key().orElse(null));
    node.put("correlationId", e.correlationId().orElse(null));
    node.set("data", data(e));
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private JsonNode data(EventEnvelope e) {
    JsonNode payload;
    try {
      payload = json.readTree(e.dataJson());
    } catch (JsonProcessingException ex) {
      return json.getNodeFactory().textNode(e.dataJson());
    }
    boolean alreadyWrapped = payload.isObject() && payload.path("data").isObject()
        && e.id().toString().equals(payload.path("id").asText());
    return alreadyWrapped ? payload.get("data") : payload;
  }
}
