package dev.relaybox.application.auth;

import java.util.Set;

/** A key as it is stored: only its hash, and the scopes it grants. */
public record StoredApiKey(byte[] hash, Set<ApiScope> scopes, String label) {
  public StoredApiKey {
    hash = hash.clone();
    scopes = Set.copyOf(scopes);
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }
}
