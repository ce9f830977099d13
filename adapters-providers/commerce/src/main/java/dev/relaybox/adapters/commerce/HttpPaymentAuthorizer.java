package dev.relaybox.adapters.commerce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.order.port.out.PaymentAuthorizer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST {base}/authorizations {orderId, customerId, amount, currency}} → 201 {authorizationId, status}
 * (idempotent on orderId); {@code GET {base}/authorizations?orderId=} → 200 or 404;
 * {@code POST {base}/authorizations/{id}/void} → 200.
 */
public final class HttpPaymentAuthorizer implements PaymentAuthorizer {
  private final String base;
  private final GuardedHttp http;

  public HttpPaymentAuthorizer(URI base, CommerceSettings.Limits limits, ObjectMapper json) {
    this.base = Paths.trimmed(base);
    this.http = new GuardedHttp("payment authoriser", limits, json);
  }

  @Override
  public Authorization authorize(UUID orderId, String customerId, long amount, String currency) {
    GuardedHttp.Answer answer = http.post(URI.create(base + "/authorizations"),
        Map.of("orderId", orderId.toString(), "customerId", customerId, "amount", amount, "currency", currency));
    if (answer.status() == 201 || answer.status() == 200) {
      return authorization(answer.body()).orElseThrow(() -> http.unexpected(answer));
    }
    throw http.unexpected(answer);
  }

  @Override
  public Optional<Authorization> find(UUID orderId) {
    GuardedHttp.Answer answer = http.get(URI.create(base + "/authorizations?orderId=" + orderId));
    if (answer.status() == 404) {
      return Optional.empty();
    }
    if (answer.status() == 200) {
      return Optional.of(authorization(answer.body()).orElseThrow(() -> http.unexpected(answer)));
    }
    throw http.unexpected(answer);
  }

  @Override
  public void voidAuthorization(String authorizationId) {
    GuardedHttp.Answer answer = http.post(
        URI.create(base + "/authorizations/" + URLEncoder.encode(authorizationId, StandardCharsets.UTF_8) + "/void"), Map.of());
    if (answer.status() != 200 && answer.status() != 204 && answer.status() != 404 && answer.status() != 409) {
      throw http.unexpected(answer);
    }
  }

  public String circuitState() {
    return http.state();
  }

  private static Optional<Authorization> authorization(JsonNode body) {
    if (!body.path("authorizationId").isTextual()) {
      return Optional.empty();
    }
    Status status = switch (body.path("status").asText()) {
      case "approved" -> Status.APPROVED;
      case "declined" -> Status.DECLINED;
      case "voided" -> Status.VOIDED;
      default -> null;
    };
    return status == null ? Optional.empty() : Optional.of(new Authorization(body.path("authorizationId").asText(), status));
  }
}
