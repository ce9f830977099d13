package dev.relaybox.application.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.auth.port.out.ApiKeyStore;
import dev.relaybox.domain.shared.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  private static final String ENV_KEY = "configured-api-key-0123456789";

  /** The store as a list, as the database keeps it: hashes, names, last uses. */
  static final class ListStore implements ApiKeyStore {
    final List<StoredApiKey> keys = new ArrayList<>();
    final Map<UUID, Instant> lastUse = new HashMap<>();

    @Override
    public List<StoredApiKey> all() {
      return List.copyOf(keys);
    }

    @Override
    public UUID add(StoredApiKey key) {
      UUID id = UUID.randomUUID();
      keys.add(new StoredApiKey(key.hash(), key.scopes(), key.label(), id.toString()));
      return id;
    }

    @Override
    public List<ApiKeyInfo> list() {
      return keys.stream().map(k -> new ApiKeyInfo(UUID.fromString(k.id()), k.label(), "api", Instant.EPOCH,
          Optional.ofNullable(lastUse.get(UUID.fromString(k.id()))))).toList();
    }

    @Override
    public boolean delete(UUID id) {
      return keys.removeIf(k -> k.id().equals(id.toString()));
    }

    @Override
    public void recordLastUse(Map<UUID, Instant> uses) {
      lastUse.putAll(uses);
    }
  }

  private final ListStore store = new ListStore();
  private final ApiKeys keys = new ApiKeys(store, new SplittableRandom(7));

  @Test
  void theGeneratedKeyStopsWorkingOnceKeysComeFromTheEnvironment() {
    String generated = keys.issueFirstKeyIfNone(List.of(), List.of()).orElseThrow();
    assertTrue(keys.ring(List.of(), List.of()).permits(generated, ApiScope.ADMIN));
    ApiKeyRing configured = keys.ring(List.of(ENV_KEY), List.of());
    assertFalse(configured.permits(generated, ApiScope.ADMIN));
    assertFalse(configured.permits(generated, ApiScope.API));
    assertTrue(configured.permits(ENV_KEY, ApiScope.API));
    assertTrue(keys.generatedKeyIgnored(List.of(ENV_KEY), List.of()));
  }

  @Test
  void aCreatedKeyKeepsWorkingNextToKeysFromTheEnvironmentUntilDeleted() {
    ApiKeyCache cache = new ApiKeyCache(keys, store, List.of(ENV_KEY), List.of(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    IssuedApiKey issued = cache.create(ApiScope.ADMIN, "ops");
    assertTrue(issued.key().startsWith("rbx_"));
    assertFalse(issued.toString().contains(issued.key()), "the key never reaches a log line through toString");
    assertEquals(issued.id().toString(), cache.authenticate(issued.key(), ApiScope.ADMIN).orElseThrow().id());
    assertTrue(cache.authenticate(issued.key(), ApiScope.API).isEmpty());
    assertTrue(cache.authenticate(ENV_KEY, ApiScope.API).isPresent());
    cache.flushLastUse();
    assertEquals(Instant.EPOCH, store.lastUse.get(issued.id()));
    assertTrue(cache.delete(issued.id()));
    assertTrue(cache.authenticate(issued.key(), ApiScope.ADMIN).isEmpty());
  }

  @Test
  void aKeyNeedsAScopeAndAPrintableName() {
    assertThrows(ValidationException.class, () -> keys.create(ApiScope.API, " "));
    assertThrows(ValidationException.class, () -> keys.create(null, "x"));
    assertThrows(ValidationException.class, () -> keys.create(ApiScope.API, "a\u0000b"));
    assertThrows(ValidationException.class, () -> keys.create(ApiScope.API, ApiKeys.GENERATED_LABEL));
  }
}
