package dev.relaybox.adapters.http.payment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import dev.relaybox.adapters.http.shared.Problem;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.payment.port.in.ProviderWebhook;
import dev.relaybox.application.payment.port.in.ReceiveProviderWebhookUseCase;
import dev.relaybox.domain.payment.ProviderStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code POST /webhooks/payments}: the payment provider's {@code transaction.updated}, verified in the Standard
 * Webhooks format (HMAC with {@code RELAYBOX_PAYMENT_WEBHOOK_SECRET}, timestamp within 5 minutes) by the
 * com.standardwebhooks library before anything is read. Bad signature or stale timestamp: 401; a repeated
 * {@code webhook-id}: 200 with no second effect; unknown transaction: 404.
 */
public final class PaymentWebhookRoutes implements RouteModule {
  private final ReceiveProviderWebhookUseCase receive;
  private final Optional<Webhook> verifier;
  private final ObjectMapper json;

  public PaymentWebhookRoutes(ReceiveProviderWebhookUseCase receive, Optional<String> secret, ObjectMapper json) {
    this.receive = receive;
    this.verifier = secret.map(PaymentWebhookRoutes::verifier);
    this.json = json;
  }

  private static Webhook verifier(String secret) {
    try {
      return new Webhook(secret);
    } catch (Exception e) {
      throw new IllegalArgumentException("RELAYBOX_PAYMENT_WEBHOOK_SECRET is not a valid whsec_ secret");
    }
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/webhooks/payments", this::receive);
  }

  private void receive(Context ctx) {
    Webhook webhook = verifier.orElseThrow(() -> new ProblemException(
        Problem.of(503, "payments-not-configured", "Payments not configured", "the payment webhook secret is not configured"),
        Map.of("Retry-After", "3600")));
    String body = ctx.body();
    Map<String, List<String>> headers = new TreeMap<>();
    for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
      Optional.ofNullable(ctx.header(name)).ifPresent(v -> headers.put(name, List.of(v)));
    }
    try {
      webhook.verify(body, headers);
    } catch (Exception e) {
      throw new ProblemException(Problem.of(401, "unauthorized", "Unauthorized",
          "the webhook signature is missing or wrong, or its timestamp is more than 5 minutes away"));
    }
    JsonNode event;
    try {
      event = json.readTree(body);
    } catch (IOException e) {
      throw ProblemException.badRequest("the request body is not valid JSON");
    }
    if (event == null || !event.isObject()) {
      throw ProblemException.badRequest("the request body must be a JSON object");
    }
    if (!"transaction.updated".equals(event.path("type").asText())) {
      throw ProblemException.invalid("type", "must be transaction.updated");
    }
    JsonNode data = event.path("data");
    UUID id;
    try {
      id = UUID.fromString(data.path("id").asText(""));
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalid("data.id", "must be a transaction id");
    }
    ProviderStatus status = ProviderStatus.parse(data.path("status").asText("").toLowerCase(Locale.ROOT))
        .orElseThrow(() -> ProblemException.invalid("data.status", "must be pending, succeeded or failed"));
    Optional<String> reason = Optional.ofNullable(data.path("reason").asText(null)).filter(r -> !r.isBlank())
        .map(r -> r.length() > 200 ? r.substring(0, 200) : r);
    var receipt = receive.receive(new ProviderWebhook(ctx.header("webhook-id"), id, status, reason));
    switch (receipt) {
      case UNKNOWN_TRANSACTION -> throw ProblemException.notFound("no transaction " + id);
      case DUPLICATE -> ctx.status(200).json(Map.of("received", true, "duplicate", true));
      case APPLIED -> ctx.status(200).json(Map.of("received", true));
    }
  }
}
