package dev.relaybox.application.auth;

/** What a key may call: {@code /v1/**} (API) or {@code /admin/**} (ADMIN). */
public enum ApiScope {
  API, ADMIN
}
