package dev.relaybox.application.auth;

import dev.relaybox.application.auth.port.out.ApiKeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Builds the key ring from configured keys and keys stored in the database, and issues the first development key
 * when there is none at all.
 */
public final class ApiKeys {
  private final ApiKeyStore store;
  private final RandomGenerator secureRandom;

  public ApiKeys(ApiKeyStore store, RandomGenerator secureRandom) {
    this.store = store;
    this.secureRandom = secureRandom;
  }

  public ApiKeyRing ring(List<String> configuredApiKeys, List<String> configuredAdminKeys) {
    List<StoredApiKey> keys = new ArrayList<>(store.all());
    configuredApiKeys.forEach(k -> keys.add(new StoredApiKey(ApiKeyHash.of(k), Set.of(ApiScope.API), "RELAYBOX_API_KEYS")));
    configuredAdminKeys.forEach(k -> keys.add(new StoredApiKey(ApiKeyHash.of(k), Set.of(ApiScope.ADMIN), "RELAYBOX_ADMIN_KEYS")));
    return new ApiKeyRing(keys);
  }

  /**
   * Creates one key with both scopes when no key exists anywhere, stores its hash and returns the key itself, which
   * is never seen again.
   */
  public Optional<String> issueFirstKeyIfNone(List<String> configuredApiKeys, List<String> configuredAdminKeys) {
    if (!configuredApiKeys.isEmpty() || !configuredAdminKeys.isEmpty() || !store.all().isEmpty()) {
      return Optional.empty();
    }
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i += 8) {
      long r = secureRandom.nextLong();
      for (int b = 0; b < 8 && i + b < secret.length; b++) {
        secret[i + b] = (byte) (r >>> (8 * b));
      }
    }
    String key = "rbx_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    store.add(new StoredApiKey(ApiKeyHash.of(key), EnumSet.allOf(ApiScope.class), "generated on first start"));
    return Optional.of(key);
  }
}
