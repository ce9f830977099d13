package dev.relaybox.application.auth;

import java.util.HexFormat;
import java.util.Set;

/**
 * A key as it is stored: only its hash, the scopes it grants, a name, and the id that names the caller (a stored
 * key's UUID, or {@code env-} and the start of its hash for a key from the environment) for rate limits, idempotency
 * and last-use tracking.
 */
public record StoredApiKey(byte[] hash, Set<ApiScope> scopes, String label, String id) {
  public StoredApiKey {
    hash = hash.clone();
    scopes = Set.copyOf(scopes);
  }

  /** A key from the environment, named by its hash. */
  public StoredApiKey(byte[] hash, Set<ApiScope> scopes, String label) {
    this(hash, scopes, label, "env-" + HexFormat.of().formatHex(hash, 0, 6));
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /** Whether this key lives in the database (and so has a last-use time and can be deleted). */
  public boolean stored() {
    return !id.startsWith("env-");
  }
}
