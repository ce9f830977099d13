package dev.relaybox.application.shared.auth;

/** What a key may call: {@code /v1/**} (API) or {@code /admin/**} (ADMIN). */
public enum ApiScope {
  API, ADMIN
}
