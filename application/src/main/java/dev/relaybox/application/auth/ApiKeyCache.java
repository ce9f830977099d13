package dev.relaybox.application.auth;

import dev.relaybox.application.auth.port.in.ManageApiKeysUseCase;
import dev.relaybox.application.auth.port.out.ApiKeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key ring held in memory, so checking a key costs no database round trip. Keys created or deleted on this
 * node take effect at once; on other nodes at their next {@link #refresh()} (bootstrap runs it every few seconds).
 * The last use of each stored key is kept in memory and written in one batch by {@link #flushLastUse()}.
 */
public final class ApiKeyCache implements ManageApiKeysUseCase {
  private final ApiKeys keys;
  private final ApiKeyStore store;
  private final List<String> configuredApiKeys;
  private final List<String> configuredAdminKeys;
  private final Clock clock;
  private final ConcurrentHashMap<UUID, Instant> lastUse = new ConcurrentHashMap<>();
  private volatile ApiKeyRing ring;

  public ApiKeyCache(ApiKeys keys, ApiKeyStore store, List<String> configuredApiKeys, List<String> configuredAdminKeys,
      Clock clock) {
    this.keys = keys;
    this.store = store;
    this.configuredApiKeys = List.copyOf(configuredApiKeys);
    this.configuredAdminKeys = List.copyOf(configuredAdminKeys);
    this.clock = clock;
    this.ring = keys.ring(configuredApiKeys, configuredAdminKeys);
  }

  /** The key presented, when it is valid for {@code scope}; its use is remembered for the next flush. */
  public Optional<StoredApiKey> authenticate(String presented, ApiScope scope) {
    Optional<StoredApiKey> key = ring.find(presented, scope);
    key.filter(StoredApiKey::stored).ifPresent(k -> lastUse.put(UUID.fromString(k.id()), clock.instant()));
    return key;
  }

  public ApiKeyRing ring() {
    return ring;
  }

  public void refresh() {
    ring = keys.ring(configuredApiKeys, configuredAdminKeys);
  }

  /** Writes the uses seen since the last flush; a use that arrives meanwhile waits for the next one. */
  public void flushLastUse() {
    if (lastUse.isEmpty()) {
      return;
    }
    Map<UUID, Instant> batch = new HashMap<>();
    for (UUID id : List.copyOf(lastUse.keySet())) {
      Instant at = lastUse.remove(id);
      if (at != null) {
        batch.put(id, at);
      }
    }
    try {
      store.recordLastUse(batch);
    } catch (RuntimeException e) {
      batch.forEach((id, at) -> lastUse.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
      throw e;
    }
  }

  @Override
  public IssuedApiKey create(ApiScope scope, String name) {
    IssuedApiKey issued = keys.create(scope, name);
    refresh();
    return issued;
  }

  @Override
  public List<ApiKeyInfo> list() {
    flushLastUse();
    return keys.list();
  }

  @Override
  public boolean delete(UUID id) {
    boolean deleted = keys.delete(id);
    refresh();
    return deleted;
  }
}
