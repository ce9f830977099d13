package dev.relaybox.application.auth.port.out;

import dev.relaybox.application.auth.StoredApiKey;
import java.util.List;

/** API keys kept in the database (hashes only). */
public interface ApiKeyStore {
  List<StoredApiKey> all();

  void add(StoredApiKey key);
}
