package dev.relaybox.adapters.persistence.auth;

import dev.relaybox.adapters.persistence.jobs.Signals;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.auth.StoredApiKey;
import dev.relaybox.application.auth.port.out.ApiKeyStore;
import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.application.auth.ApiKeyInfo;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** API key hashes in {@code api_key}; scope 'all' grants both API and admin. */
public final class JdbiApiKeyStore implements ApiKeyStore {
  private final Jdbi jdbi;
  private final TimeOrderedIds ids;
  private final Clock clock;

  public JdbiApiKeyStore(Jdbi jdbi, TimeOrderedIds ids, Clock clock) {
    this.jdbi = jdbi;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public List<StoredApiKey> all() {
    return jdbi.withHandle(h -> h.createQuery("SELECT id, key_hash, scope, label FROM api_key")
        .map((rs, ctx) -> new StoredApiKey(rs.getBytes("key_hash"), scopes(rs.getString("scope")), rs.getString("label"),
            rs.getObject("id", UUID.class).toString()))
        .list());
  }

  @Override
  public UUID add(StoredApiKey key) {
    UUID id = ids.next();
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              INSERT INTO api_key (id, scope, key_hash, label, created_at) VALUES (:id, :scope, :hash, :label, :now)""")
          .bind("id", id)
          .bind("scope", scope(key.scopes()))
          .bind("hash", key.hash())
          .bind("label", key.label())
          .bind("now", clock.instant())
          .execute();
      announceChange(h);
    });
    return id;
  }

  @Override
  public List<ApiKeyInfo> list() {
    return jdbi.withHandle(h -> h.createQuery("SELECT id, label, scope, created_at, last_used_at FROM api_key ORDER BY created_at, id")
        .map((rs, ctx) -> new ApiKeyInfo(rs.getObject("id", UUID.class), rs.getString("label"), rs.getString("scope"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            Optional.ofNullable(rs.getObject("last_used_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant)))
        .list());
  }

  @Override
  public boolean delete(UUID id) {
    return jdbi.inTransaction(h -> {
      boolean deleted = h.createUpdate("DELETE FROM api_key WHERE id = :id").bind("id", id).execute() == 1;
      if (deleted) {
        announceChange(h);
      }
      return deleted;
    });
  }

  /** Every node reloads its key ring when this commits (a deleted key stops working everywhere at once). */
  private static void announceChange(Handle h) {
    h.createQuery("SELECT pg_notify(:channel, '')").bind("channel", Signals.KEYS_CHANNEL).mapTo(String.class).one();
  }

  @Override
  public void recordLastUse(Map<UUID, Instant> lastUse) {
    if (lastUse.isEmpty()) {
      return;
    }
    List<UUID> keyIds = List.copyOf(lastUse.keySet());
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE api_key SET last_used_at = GREATEST(last_used_at, to_timestamp(used.at_micros / 1e6))
              FROM unnest(:ids, :atMicros) AS used(id, at_micros)
             WHERE api_key.id = used.id""")
        .bindArray("ids", UUID.class, keyIds)
        .bindArray("atMicros", Long.class, keyIds.stream()
            .map(id -> lastUse.get(id).getEpochSecond() * 1_000_000 + lastUse.get(id).getNano() / 1_000).toList())
        .execute());
  }

  private static Set<ApiScope> scopes(String scope) {
    return switch (scope) {
      case "api" -> EnumSet.of(ApiScope.API);
      case "admin" -> EnumSet.of(ApiScope.ADMIN);
      default -> EnumSet.allOf(ApiScope.class);
    };
  }

  private static String scope(Set<ApiScope> scopes) {
    if (scopes.containsAll(EnumSet.allOf(ApiScope.class))) return "all";
    return scopes.contains(ApiScope.ADMIN) ? "admin" : "api";
  }
}
