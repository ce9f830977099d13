package dev.relaybox.application.purchase.port.out;

import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.Store;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Purchases; writes join the caller's unit of work. */
public interface Purchases {

  /** Inserts the purchase unless one with the same store, environment and store key exists; returns the stored one. */
  Purchase addIfAbsent(Purchase purchase);

  /** Reads inside the caller's transaction and locks the row until it ends. */
  Optional<Purchase> lockByStoreKey(Store store, String environment, String storeKey);

  Optional<Purchase> lock(UUID id);

  Optional<Purchase> find(UUID id);

  /** The newest purchase with this store key in any environment. */
  Optional<Purchase> findByStoreKey(Store store, String storeKey);

  void update(Purchase purchase);

  /**
   * Google purchases that entitle without being acknowledged, which first entitled between {@code entitledAfter} and
   * {@code entitledBefore}, oldest first.
   */
  List<Purchase> awaitingAcknowledgement(Instant entitledBefore, Instant entitledAfter, int limit);

  /** How many Google purchases entitle without being acknowledged, and since when the oldest has. */
  AcknowledgementBacklog acknowledgementBacklog();

  record AcknowledgementBacklog(long count, Optional<Instant> oldestEntitledAt) {}
}
