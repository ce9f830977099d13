package dev.relaybox.application.auth;

import java.security.MessageDigest;
import java.util.List;

/** The keys this node accepts. Every presented key is hashed and compared with every stored hash in constant time. */
public final class ApiKeyRing {
  private final List<StoredApiKey> keys;

  public ApiKeyRing(List<StoredApiKey> keys) {
    this.keys = List.copyOf(keys);
  }

  public boolean permits(String presentedKey, ApiScope scope) {
    if (presentedKey == null || presentedKey.isEmpty()) {
      return false;
    }
    byte[] presented = ApiKeyHash.of(presentedKey);
    boolean match = false;
    for (StoredApiKey key : keys) {
      // No early exit: the time taken must not depend on which key matched.
      match |= MessageDigest.isEqual(presented, key.hash()) & key.scopes().contains(scope);
    }
    return match;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  public int size() {
    return keys.size();
  }
}
