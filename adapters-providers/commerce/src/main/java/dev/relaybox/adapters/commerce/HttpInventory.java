package dev.relaybox.adapters.commerce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.order.port.out.Inventory;
import dev.relaybox.domain.order.OrderLine;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST {base}/reservations {orderId, items}} → 201 {reservationId} (the same one again for the same order) or
 * 409 {unavailable}; {@code GET {base}/reservations?orderId=} → 200 {reservationId} or 404;
 * {@code DELETE {base}/reservations/{id}} → 204, or 404 when already gone.
 */
public final class HttpInventory implements Inventory {
  private final String base;
  private final GuardedHttp http;

  public HttpInventory(URI base, CommerceSettings.Limits limits, ObjectMapper json) {
    this.base = Paths.trimmed(base);
    this.http = new GuardedHttp("inventory", limits, json);
  }

  @Override
  public Reservation reserve(UUID orderId, List<OrderLine> lines) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (OrderLine line : lines) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("sku", line.sku().value());
      item.put("quantity", line.quantity());
      items.add(item);
    }
    GuardedHttp.Answer answer = http.post(URI.create(base + "/reservations"), Map.of("orderId", orderId.toString(), "items", items));
    if ((answer.status() == 201 || answer.status() == 200) && answer.body().path("reservationId").isTextual()) {
      return new Reservation.Reserved(answer.body().path("reservationId").asText());
    }
    if (answer.status() == 409 && answer.body().path("unavailable").isArray()) {
      List<String> skus = new ArrayList<>();
      for (JsonNode sku : answer.body().path("unavailable")) {
        skus.add(sku.asText());
      }
      return new Reservation.Unavailable(skus);
    }
    throw http.unexpected(answer);
  }

  @Override
  public Optional<String> findReservation(UUID orderId) {
    GuardedHttp.Answer answer = http.get(URI.create(base + "/reservations?orderId=" + orderId));
    if (answer.status() == 404) {
      return Optional.empty();
    }
    if (answer.status() == 200 && answer.body().path("reservationId").isTextual()) {
      return Optional.of(answer.body().path("reservationId").asText());
    }
    throw http.unexpected(answer);
  }

  @Override
  public void release(String reservationId) {
    GuardedHttp.Answer answer = http.delete(URI.create(base + "/reservations/" + URLEncoder.encode(reservationId, StandardCharsets.UTF_8)));
    if (answer.status() != 204 && answer.status() != 200 && answer.status() != 404) {
      throw http.unexpected(answer);
    }
  }

  public String circuitState() {
    return http.state();
  }
}
