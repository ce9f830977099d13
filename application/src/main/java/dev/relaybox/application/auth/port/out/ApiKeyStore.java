package dev.relaybox.application.auth.port.out;

import dev.relaybox.application.auth.ApiKeyInfo;
import dev.relaybox.application.auth.StoredApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** API keys kept in the database (hashes only). */
public interface ApiKeyStore {
  List<StoredApiKey> all();

  /** Stores the key and returns its id. */
  UUID add(StoredApiKey key);

  /** Every stored key without its hash, oldest first. */
  List<ApiKeyInfo> list();

  /** Deletes the key; false when there was none with that id. */
  boolean delete(UUID id);

  /** Writes the latest use of each key in one statement (called in batches, never per request). */
  void recordLastUse(Map<UUID, Instant> lastUse);
}
