package dev.relaybox.application.assistance.port.out;

import java.util.Optional;
import java.util.UUID;

/** Remembers which resource an Idempotency-Key created, and a fingerprint of the request that created it. */
public interface IdempotencyKeys {

  /**
   * Reserves {@code key} for {@code resourceId} inside the caller's transaction. If another transaction holds the same
   * key, waits for it to finish.
   *
   * @return empty when the key was free, otherwise what it was first used for
   */
  Optional<Use> reserve(String scope, String key, byte[] fingerprint, UUID resourceId);

  record Use(UUID resourceId, byte[] fingerprint) {}
}
