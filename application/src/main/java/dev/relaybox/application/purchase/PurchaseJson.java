package dev.relaybox.application.purchase;

import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.PurchaseEvent;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The small JSON documents this context writes (event payloads, job payloads) and the ids it reads back from them. */
final class PurchaseJson {
  private static final Pattern UUID_FIELD = Pattern.compile("\"(%s)\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");
  private static final Pattern STRING_FIELD = Pattern.compile("\"(%s)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PurchaseJson() {}

  /** The normalised event schema, the same for both stores. */
  static String event(UUID eventId, PurchaseEvent event) {
    Purchase p = event.purchase();
    StringBuilder json = new StringBuilder(512).append('{');
    field(json, "id", eventId.toString()).append(',');
    field(json, "type", event.type().value()).append(',');
    field(json, "occurredAt", event.occurredAt().toString()).append(',');
    json.append("\"data\":{");
    field(json, "purchaseId", p.id().toString()).append(',');
    field(json, "userId", p.userId().orElseThrow()).append(',');
    optional(json, "appAccountToken", p.appAccountToken());
    field(json, "store", p.store().wire()).append(',');
    field(json, "environment", p.environment()).append(',');
    field(json, "productId", p.productId()).append(',');
    field(json, "kind", p.kind().wire()).append(',');
    field(json, "state", p.state().wire()).append(',');
    nullable(json, "transactionId", p.transactionId()).append(',');
    nullable(json, "originalTransactionId", p.originalTransactionId()).append(',');
    if (p.store() == dev.relaybox.domain.purchase.Store.GOOGLE) {
      field(json, "purchaseToken", p.storeKey()).append(',');
    }
    optional(json, "purchasedAt", p.purchasedAt().map(Instant::toString));
    optional(json, "expiresAt", p.expiresAt().map(Instant::toString));
    p.amountMicros().ifPresent(a -> json.append("\"amountMicros\":").append(a).append(','));
    optional(json, "currency", p.currency());
    json.append("\"acknowledged\":").append(p.acknowledged());
    json.append("}}");
    return json.toString();
  }

  static String object(String... keyValues) {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < keyValues.length; i += 2) {
      if (i > 0) {
        json.append(',');
      }
      field(json, keyValues[i], keyValues[i + 1]);
    }
    return json.append('}').toString();
  }

  static Optional<UUID> uuid(String json, String field) {
    Matcher m = Pattern.compile(UUID_FIELD.pattern().formatted(Pattern.quote(field))).matcher(json);
    return m.find() ? Optional.of(UUID.fromString(m.group(2))) : Optional.empty();
  }

  static Optional<String> string(String json, String field) {
    Matcher m = Pattern.compile(STRING_FIELD.pattern().formatted(Pattern.quote(field))).matcher(json);
    return m.find() ? Optional.of(unescape(m.group(2))) : Optional.empty();
  }

  private static void optional(StringBuilder json, String name, Optional<String> value) {
    value.ifPresent(v -> field(json, name, v).append(','));
  }

  /** A missing value is null in the API, never an empty string. */
  private static StringBuilder nullable(StringBuilder json, String name, String value) {
    return value == null || value.isEmpty() ? json.append('"').append(name).append("\":null") : field(json, name, value);
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    return json.append('"').append(name).append("\":").append(quote(value));
  }

  static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String unescape(String value) {
    return value.replace("\\\"", "\"").replace("\\\\", "\\");
  }
}
