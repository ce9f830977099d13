package dev.relaybox.application.auth;

import java.util.UUID;

/** A key just created: the only time {@code key} exists outside the caller's hands. */
public record IssuedApiKey(UUID id, String name, ApiScope scope, String key) {
  @Override
  public String toString() {
    return "IssuedApiKey[id=" + id + ", name=" + name + ", scope=" + scope + "]";
  }
}
