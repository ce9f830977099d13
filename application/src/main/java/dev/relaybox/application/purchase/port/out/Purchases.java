package dev.relaybox.application.purchase.port.out;

import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.Store;
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
}
