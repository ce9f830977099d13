package dev.relaybox.application.purchase.port.in;

import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.shared.ValidationException;
import java.util.Objects;
import java.util.Optional;

/**
 * A Pub/Sub push carrying one Real-time Developer Notification, already decoded from {@code message.data}.
 * {@code notification} is {@code subscription}, {@code product}, {@code voided} or {@code test}.
 */
public record GooglePush(String messageId, String packageName, String notification, int notificationType,
    Optional<String> purchaseToken, Optional<String> productId, Optional<PurchaseKind> kind, String decodedJson) {

  public GooglePush {
    if (messageId == null || messageId.isBlank() || messageId.length() > 256) {
      throw ValidationException.of("message.messageId", "is required (at most 256 characters)");
    }
    if (packageName == null || packageName.isBlank() || packageName.length() > 256) {
      throw ValidationException.of("message.data.packageName", "is required");
    }
    Objects.requireNonNull(notification, "notification");
    purchaseToken = purchaseToken == null ? Optional.empty() : purchaseToken;
    productId = productId == null ? Optional.empty() : productId;
    kind = kind == null ? Optional.empty() : kind;
    if (!notification.equals("test") && purchaseToken.isEmpty()) {
      throw ValidationException.of("message.data", "carries no purchaseToken");
    }
    Objects.requireNonNull(decodedJson, "decodedJson");
  }
}
