package dev.relaybox.application.auth;

import dev.relaybox.application.auth.port.in.ManageApiKeysUseCase;
import dev.relaybox.application.auth.port.out.ApiKeyStore;
import dev.relaybox.domain.shared.Violations;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Builds the key ring from configured keys and keys stored in the database, issues the first development key when
 * there is none at all, and creates and deletes keys for admins. Once keys come from the environment, the key
 * generated on first start is no longer accepted (it stays in the table, harmless, until deleted).
 */
public final class ApiKeys implements ManageApiKeysUseCase {
  public static final String GENERATED_LABEL = "generated on first start";
  public static final int MAX_NAME_LENGTH = 100;

  private final ApiKeyStore store;
  private final RandomGenerator secureRandom;

  public ApiKeys(ApiKeyStore store, RandomGenerator secureRandom) {
    this.store = store;
    this.secureRandom = secureRandom;
  }

  public ApiKeyRing ring(List<String> configuredApiKeys, List<String> configuredAdminKeys) {
    boolean configured = !configuredApiKeys.isEmpty() || !configuredAdminKeys.isEmpty();
    List<StoredApiKey> keys = new ArrayList<>(store.all().stream()
        .filter(key -> !(configured && key.label().equals(GENERATED_LABEL)))
        .toList());
    configuredApiKeys.forEach(k -> keys.add(new StoredApiKey(ApiKeyHash.of(k), Set.of(ApiScope.API), "RELAYBOX_API_KEYS")));
    configuredAdminKeys.forEach(k -> keys.add(new StoredApiKey(ApiKeyHash.of(k), Set.of(ApiScope.ADMIN), "RELAYBOX_ADMIN_KEYS")));
    return new ApiKeyRing(keys);
  }

  /** Whether a key generated on first start is stored but ignored because keys come from the environment. */
  public boolean generatedKeyIgnored(List<String> configuredApiKeys, List<String> configuredAdminKeys) {
    return (!configuredApiKeys.isEmpty() || !configuredAdminKeys.isEmpty())
        && store.all().stream().anyMatch(key -> key.label().equals(GENERATED_LABEL));
  }

  /**
   * Creates one key with both scopes when no key exists anywhere, stores its hash and returns the key itself, which
   * is never seen again.
   */
  public Optional<String> issueFirstKeyIfNone(List<String> configuredApiKeys, List<String> configuredAdminKeys) {
    if (!configuredApiKeys.isEmpty() || !configuredAdminKeys.isEmpty() || !store.all().isEmpty()) {
      return Optional.empty();
    }
    String key = newKey();
    store.add(new StoredApiKey(ApiKeyHash.of(key), EnumSet.allOf(ApiScope.class), GENERATED_LABEL));
    return Optional.of(key);
  }

  @Override
  public IssuedApiKey create(ApiScope scope, String name) {
    Violations violations = new Violations();
    if (scope == null) {
      violations.add("scope", "is required: api or admin");
    }
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH || !trimmed.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
      violations.add("name", "must be 1-" + MAX_NAME_LENGTH + " printable characters");
    } else if (trimmed.equals(GENERATED_LABEL)) {
      violations.add("name", "is reserved");
    }
    violations.throwIfAny();
    String key = newKey();
    UUID id = store.add(new StoredApiKey(ApiKeyHash.of(key), EnumSet.of(scope), trimmed));
    return new IssuedApiKey(id, trimmed, scope, key);
  }

  @Override
  public List<ApiKeyInfo> list() {
    return store.list();
  }

  @Override
  public boolean delete(UUID id) {
    return store.delete(id);
  }

  private String newKey() {
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i += 8) {
      long r = secureRandom.nextLong();
      for (int b = 0; b < 8 && i + b < secret.length; b++) {
        secret[i + b] = (byte) (r >>> (8 * b));
      }
    }
    return "rbx_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }
}
