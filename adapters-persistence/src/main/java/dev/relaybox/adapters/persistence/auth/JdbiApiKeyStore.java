package dev.relaybox.adapters.persistence.auth;

import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.auth.StoredApiKey;
import dev.relaybox.application.auth.port.out.ApiKeyStore;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
    return jdbi.withHandle(h -> h.createQuery("SELECT key_hash, scope, label FROM api_key")
        .map((rs, ctx) -> new StoredApiKey(rs.getBytes("key_hash"), scopes(rs.getString("scope")), rs.getString("label")))
        .list());
  }

  @Override
  public void add(StoredApiKey key) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO api_key (id, scope, key_hash, label, created_at) VALUES (:id, :scope, :hash, :label, :now)""")
        .bind("id", ids.next())
        .bind("scope", scope(key.scopes()))
        .bind("hash", key.hash())
        .bind("label", key.label())
        .bind("now", clock.instant())
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
