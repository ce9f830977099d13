package dev.relaybox.adapters.persistence.assistance;

import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.assistance.port.out.IdempotencyKeys;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code INSERT … ON CONFLICT DO NOTHING} makes a second transaction with the same key wait on the first one's row
 * lock; once the first commits, the second sees its row and replays its answer.
 */
public final class JdbiIdempotencyKeys implements IdempotencyKeys {
  private final JdbiUnitOfWork unitOfWork;
  private final Clock clock;

  public JdbiIdempotencyKeys(JdbiUnitOfWork unitOfWork, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.clock = clock;
  }

  @Override
  public Optional<Use> reserve(String scope, String key, byte[] fingerprint, UUID resourceId) {
    var handle = unitOfWork.currentHandle("IdempotencyKeys.reserve");
    int inserted = handle.createUpdate("""
            INSERT INTO idempotency_key (scope, key, fingerprint, resource_id, created_at)
            VALUES (:scope, :key, :fingerprint, :resourceId, :now)
            ON CONFLICT (scope, key) DO NOTHING""")
        .bind("scope", scope)
        .bind("key", key)
        .bind("fingerprint", fingerprint)
        .bind("resourceId", resourceId)
        .bind("now", clock.instant())
        .execute();
    if (inserted == 1) {
      return Optional.empty();
    }
    return handle.createQuery("SELECT resource_id, fingerprint FROM idempotency_key WHERE scope = :scope AND key = :key")
        .bind("scope", scope)
        .bind("key", key)
        .map((rs, ctx) -> new Use(rs.getObject("resource_id", UUID.class), rs.getBytes("fingerprint")))
        .findOne();
  }
}
