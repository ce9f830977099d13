package dev.relaybox.application.purchase.port.out;

import dev.relaybox.domain.purchase.StoreTransaction;
import java.util.Objects;
import java.util.Optional;

/** Verifies an App Store Server Notification V2 {@code signedPayload} (the whole x5c chain) and decodes it. */
public interface AppStoreNotifications {

  /**
   * Never throws anything else: whatever the library throws is one of these, or the notification is accepted.
   *
   * @throws NotificationRejected when the signature, chain, bundle id or environment is wrong, or the payload is not one
   * @throws VerificationUnavailable when the certificates' revocation status could not be checked (try again later)
   */
  AppleNotification verify(String signedPayload) throws NotificationRejected, VerificationUnavailable;

  /**
   * A decoded notification. {@code transaction} is the verified signedTransactionInfo when the notification carries one
   * (TEST does not); {@code unusableTransaction} says why a verified transaction cannot be applied (it names no
   * transaction or product). {@code decodedJson} is the whole decoded payload for the record, signed parts decoded.
   */
  record AppleNotification(String notificationUuid, String type, String subtype, String environment,
      Optional<StoreTransaction> transaction, Optional<String> unusableTransaction, String decodedJson) {
    public AppleNotification {
      Objects.requireNonNull(notificationUuid, "notificationUuid");
      Objects.requireNonNull(type, "type");
      subtype = subtype == null ? "" : subtype;
      Objects.requireNonNull(environment, "environment");
      transaction = transaction == null ? Optional.empty() : transaction;
      unusableTransaction = unusableTransaction == null ? Optional.empty() : unusableTransaction;
      Objects.requireNonNull(decodedJson, "decodedJson");
    }
  }

  final class VerificationUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public VerificationUnavailable(String reason) {
      super(reason, null, false, false);
    }
  }

  final class NotificationRejected extends Exception {
    private static final long serialVersionUID = 1L;

    public NotificationRejected(String reason) {
      super(reason, null, false, false);
    }
  }
}
