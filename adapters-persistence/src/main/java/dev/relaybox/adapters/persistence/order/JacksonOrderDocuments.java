package dev.relaybox.adapters.persistence.order;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.adapters.persistence.jobs.JacksonPayloads;
import dev.relaybox.application.order.port.out.OrderDocuments;
import dev.relaybox.domain.order.Order;
import dev.relaybox.domain.order.OrderLine;
import dev.relaybox.domain.order.ShippingAddress;

/** The order document carried by {@code order.*} events and stored for lines and address; the same shape the API returns. */
public final class JacksonOrderDocuments implements OrderDocuments {
  private final ObjectMapper json;
  private final JacksonPayloads payloads;

  public JacksonOrderDocuments(ObjectMapper json) {
    this.json = json;
    this.payloads = new JacksonPayloads(json);
  }

  /**
   * Every field of the API's Order schema, in its order, an absent one as {@code null} (never left out), so an event's
   * data validates against the schema the API documents.
   */
  @Override
  public String json(Order order) {
    ObjectNode node = json.createObjectNode()
        .put("id", order.id().toString())
        .put("customerId", order.customerId())
        .put("storefront", order.storefront())
        .put("status", order.status().wire())
        .put("cancelReason", order.cancelReason().orElse(null))
        .put("currency", order.currency())
        .put("amount", order.amount());
    node.set("items", lines(order));
    ObjectNode address = address(order.shippingAddress());
    if (!address.has("line2")) {
      address.putNull("line2");
    }
    node.set("shippingAddress", address);
    order.shipment().ifPresentOrElse(
        s -> node.putObject("shipment").put("carrier", s.carrier()).put("trackingNumber", s.trackingNumber())
            .put("shippedAt", s.shippedAt().toString()),
        () -> node.putNull("shipment"));
    node.put("createdAt", order.createdAt().toString()).put("updatedAt", order.updatedAt().toString());
    return write(node);
  }

  ArrayNode lines(Order order) {
    ArrayNode items = json.createArrayNode();
    for (OrderLine line : order.lines()) {
      items.addObject().put("sku", line.sku().value()).put("quantity", line.quantity()).put("unitPrice", line.unitPrice());
    }
    return items;
  }

  ObjectNode address(ShippingAddress a) {
    ObjectNode node = json.createObjectNode().put("name", a.name()).put("line1", a.line1());
    a.line2().ifPresent(l -> node.put("line2", l));
    return node.put("city", a.city()).put("postalCode", a.postalCode()).put("country", a.country());
  }

  String write(Object node) {
    return payloads.write(node);
  }
}
