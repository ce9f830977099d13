package dev.relaybox.application.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** What an admin may see of a stored key: never the key or its hash. {@code scope} is api, admin or all. */
public record ApiKeyInfo(UUID id, String name, String scope, Instant createdAt, Optional<Instant> lastUsedAt) {}
