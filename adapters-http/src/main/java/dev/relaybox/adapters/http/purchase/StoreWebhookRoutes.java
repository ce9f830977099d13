package dev.relaybox.adapters.http.purchase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.adapters.http.shared.StorableInput;
import dev.relaybox.application.purchase.port.in.GooglePush;
import dev.relaybox.application.purchase.port.in.ReceiveStoreNotificationUseCase;
import dev.relaybox.domain.purchase.PurchaseKind;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Store webhooks under {@code /webhooks}, which API keys do not guard: each verifies its own scheme. Apple posts
 * App Store Server Notifications V2 ({@code {signedPayload}}, a JWS with an x5c chain to Apple's root) and gets 200;
 * Google Pub/Sub pushes RTDN with an OIDC bearer token and gets 204. A bad signature or token gets 401.
 */
public final class StoreWebhookRoutes implements RouteModule {
  private final ReceiveStoreNotificationUseCase receive;
  private final JsonBodies bodies;
  private final ObjectMapper json;

  public StoreWebhookRoutes(ReceiveStoreNotificationUseCase receive, JsonBodies bodies, ObjectMapper json) {
    this.receive = receive;
    this.bodies = bodies;
    this.json = json;
  }

  record AppleBody(String signedPayload) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/webhooks/apple", this::apple);
    routes.post("/webhooks/google", this::google);
  }

  private void apple(Context ctx) {
    AppleBody body = bodies.read(ctx, AppleBody.class);
    if (body.signedPayload() == null || body.signedPayload().isBlank()) {
      throw ProblemException.invalid("signedPayload", "is required");
    }
    if (body.signedPayload().split("\\.", -1).length != 3) {
      throw ProblemException.invalid("signedPayload", "must be a compact JWS");
    }
    String raw = ctx.body();
    PurchaseProblems.mapped(401, () -> receive.receiveApple(raw, body.signedPayload()));
    ctx.status(200).json(Map.of("received", true));
  }

  private void google(Context ctx) {
    Optional<String> bearer = Optional.ofNullable(ctx.header("Authorization"))
        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(h -> h.substring(7).strip());
    PurchaseProblems.mapped(401, () -> {
      receive.authenticateGooglePush(bearer);
      return null;
    });
    JsonNode envelope = bodies.read(ctx, JsonNode.class);
    GooglePush push = push(envelope);
    String raw = ctx.body();
    PurchaseProblems.mapped(401, () -> receive.receiveGoogle(raw, push));
    ctx.status(204);
  }

  private GooglePush push(JsonNode envelope) {
    JsonNode message = envelope.path("message");
    if (!message.isObject()) {
      throw ProblemException.invalid("message", "is required: a Pub/Sub push message");
    }
    String messageId = text(message, "messageId").or(() -> text(message, "message_id"))
        .orElseThrow(() -> ProblemException.invalid("message.messageId", "is required"));
    String data = text(message, "data").orElseThrow(() -> ProblemException.invalid("message.data", "is required"));
    JsonNode rtdn;
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
      rtdn = json.readTree(decoded);
    } catch (IllegalArgumentException | IOException e) {
      throw ProblemException.invalid("message.data", "must be base64 of a JSON developer notification");
    }
    if (rtdn == null || !rtdn.isObject()) {
      throw ProblemException.invalid("message.data", "must be base64 of a JSON developer notification");
    }
    StorableInput.check(rtdn, "message.data");
    String packageName = text(rtdn, "packageName").orElseThrow(() -> ProblemException.invalid("message.data.packageName", "is required"));
    JsonNode sub = rtdn.path("subscriptionNotification");
    JsonNode product = rtdn.path("oneTimeProductNotification");
    JsonNode voided = rtdn.path("voidedPurchaseNotification");
    if (sub.isObject()) {
      return new GooglePush(messageId, packageName, "subscription", sub.path("notificationType").asInt(0), text(sub, "purchaseToken"),
          text(sub, "subscriptionId"), Optional.of(PurchaseKind.SUBSCRIPTION), decoded);
    }
    if (product.isObject()) {
      return new GooglePush(messageId, packageName, "product", product.path("notificationType").asInt(0), text(product, "purchaseToken"),
          text(product, "sku"), Optional.of(PurchaseKind.PRODUCT), decoded);
    }
    if (voided.isObject()) {
      Optional<PurchaseKind> kind = voided.path("productType").asInt(0) == 1 ? Optional.of(PurchaseKind.SUBSCRIPTION)
          : Optional.of(PurchaseKind.PRODUCT);
      return new GooglePush(messageId, packageName, "voided", voided.path("refundType").asInt(0), text(voided, "purchaseToken"),
          Optional.empty(), kind, decoded);
    }
    if (rtdn.path("testNotification").isObject()) {
      return new GooglePush(messageId, packageName, "test", 0, Optional.empty(), Optional.empty(), Optional.empty(), decoded);
    }
    throw ProblemException.invalid("message.data", "is not a subscription, one-time product, voided purchase or test notification");
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
  }
}
