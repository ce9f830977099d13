package dev.relaybox.application.purchase.port.out;

import dev.relaybox.domain.purchase.StoreTransaction;
import java.util.Objects;
import java.util.Optional;

/** Verifies an App Store Server Notification V2 {@code signedPayload} (the whole x5c chain) and decodes it. */
public interface AppStoreNotifications {

  /** @throws NotificationRejected when the signature, chain, bundle id or environment is wrong */
  AppleNotification verify(String signedPayload) throws NotificationRejected;

  /**
   * A decoded notification. {@code transaction} is the verified signedTransactionInfo when the notification carries one
   * (TEST does not). {@code decodedJson} is the decoded payload for the record.
   */
  record AppleNotification(String notificationUuid, String type, String subtype, String environment,
      Optional<StoreTransaction> transaction, String decodedJson) {
    public AppleNotification {
      Objects.requireNonNull(notificationUuid, "notificationUuid");
      Objects.requireNonNull(type, "type");
      subtype = subtype == null ? "" : subtype;
      Objects.requireNonNull(environment, "environment");
      transaction = transaction == null ? Optional.empty() : transaction;
      Objects.requireNonNull(decodedJson, "decodedJson");
    }
  }

  final class NotificationRejected extends Exception {
    private static final long serialVersionUID = 1L;

    public NotificationRejected(String reason) {
      super(reason, null, false, false);
    }
  }
}
