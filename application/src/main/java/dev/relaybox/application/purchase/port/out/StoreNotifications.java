package dev.relaybox.application.purchase.port.out;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Every store notification received, raw and decoded, deduplicated on the store's own id. */
public interface StoreNotifications {

  /** Records it inside the caller's unit of work; false when the same store id was received before. */
  boolean addIfNew(StoredNotification notification);

  Optional<StoredNotification> find(UUID id);

  /** Marks it applied inside the caller's unit of work; false when it already was (apply once). */
  boolean markApplied(UUID id, Instant at);

  /**
   * {@code facts} are the flat values the apply job needs (the verified transaction, the purchase token, …), so it does
   * not have to decode the raw body again.
   */
  record StoredNotification(UUID id, String store, String externalId, String type, String rawBody, String decodedJson,
      Map<String, String> facts, Instant receivedAt, Optional<Instant> appliedAt) {
    public StoredNotification {
      facts = Map.copyOf(facts);
      appliedAt = appliedAt == null ? Optional.empty() : appliedAt;
    }
  }
}
