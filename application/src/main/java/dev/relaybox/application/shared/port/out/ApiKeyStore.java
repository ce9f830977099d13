package dev.relaybox.application.shared.port.out;

import dev.relaybox.application.shared.auth.StoredApiKey;
import java.util.List;

/** API keys kept in the database (hashes only). */
public interface ApiKeyStore {
  List<StoredApiKey> all();

  void add(StoredApiKey key);
}
