package dev.relaybox.application.auth;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/** The keys this node accepts. Every presented key is hashed and compared with every stored hash in constant time. */
public final class ApiKeyRing {
  private final List<StoredApiKey> keys;
  private final List<byte[]> hashes;

  public ApiKeyRing(List<StoredApiKey> keys) {
    this.keys = List.copyOf(keys);
    this.hashes = this.keys.stream().map(StoredApiKey::hash).toList();
  }

  public boolean permits(String presentedKey, ApiScope scope) {
    return find(presentedKey, scope).isPresent();
  }

  /** The key that {@code presentedKey} is, when it grants {@code scope}. */
  public Optional<StoredApiKey> find(String presentedKey, ApiScope scope) {
    if (presentedKey == null || presentedKey.isEmpty()) {
      return Optional.empty();
    }
    byte[] presented = ApiKeyHash.of(presentedKey);
    StoredApiKey matched = null;
    for (int i = 0; i < keys.size(); i++) {
      // No early exit: the time taken must not depend on which key matched.
      boolean match = MessageDigest.isEqual(presented, hashes.get(i)) & keys.get(i).scopes().contains(scope);
      if (match) {
        matched = keys.get(i);
      }
    }
    return Optional.ofNullable(matched);
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  public int size() {
    return keys.size();
  }
}
