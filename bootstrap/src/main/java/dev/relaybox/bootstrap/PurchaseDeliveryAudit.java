package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import dev.relaybox.application.webhooks.DeliveryAttempt;
import dev.relaybox.application.webhooks.EventEnvelope;
import dev.relaybox.application.webhooks.WebhookEndpoint;
import dev.relaybox.application.webhooks.port.out.DeliveryListener;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps every delivery attempt of a {@code purchase.*} event in that purchase's audit trail (kind {@code delivery}),
 * as it was before the main backend became a webhook endpoint. Wiring between two contexts, so it lives here.
 */
final class PurchaseDeliveryAudit implements DeliveryListener {
  private final PurchaseAudit audit;
  private final ObjectMapper json;
  private final TimeOrderedIds ids;

  PurchaseDeliveryAudit(PurchaseAudit audit, ObjectMapper json, TimeOrderedIds ids) {
    this.audit = audit;
    this.json = json;
    this.ids = ids;
  }

  @Override
  public void attempted(WebhookEndpoint endpoint, EventEnvelope envelope, DeliveryAttempt attempt) {
    if (!envelope.type().startsWith("purchase.")) {
      return;
    }
    Optional<UUID> purchaseId = purchaseId(envelope.dataJson());
    audit.appendAlone(new AuditEntry(ids.next(), purchaseId, "", "event:" + envelope.id(), "delivery",
        attempt.succeeded() ? "delivered" : "failed",
        "POST " + envelope.type() + " to " + endpoint.name().orElse(endpoint.id().toString()) + " webhook-id=" + envelope.id()
            + " attempt " + attempt.attempt(),
        attempt.summary(), Optional.of(attempt.latencyMillis()), Optional.of(envelope.id()), attempt.at()));
  }

  private Optional<UUID> purchaseId(String dataJson) {
    try {
      JsonNode node = json.readTree(dataJson);
      JsonNode id = node.path("data").has("purchaseId") ? node.path("data").path("purchaseId") : node.path("purchaseId");
      return id.isTextual() ? Optional.of(UUID.fromString(id.asText())) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
