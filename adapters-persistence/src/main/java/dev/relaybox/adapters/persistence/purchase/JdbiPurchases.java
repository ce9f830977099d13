package dev.relaybox.adapters.persistence.purchase;

import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.purchase.port.out.Purchases;
import dev.relaybox.domain.purchase.Purchase;
import dev.relaybox.domain.purchase.PurchaseKind;
import dev.relaybox.domain.purchase.PurchaseState;
import dev.relaybox.domain.purchase.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Purchases; writes and locking reads join the caller's transaction, plain reads use a short-lived handle. */
public final class JdbiPurchases implements Purchases {
  private static final String COLUMNS = """
      id, store, environment, store_key, user_id, app_account_token, app_id, product_id, kind, state, state_reason, transaction_id,
      original_transaction_id, purchased_at, expires_at, amount_micros, currency, acknowledged, entitled_at, announced, created_at,
      updated_at""";

  private final JdbiUnitOfWork unitOfWork;
  private final Jdbi jdbi;

  public JdbiPurchases(JdbiUnitOfWork unitOfWork, Jdbi jdbi) {
    this.unitOfWork = unitOfWork;
    this.jdbi = jdbi;
  }

  @Override
  public Purchase addIfAbsent(Purchase p) {
    Handle h = unitOfWork.currentHandle("Purchases.addIfAbsent");
    h.createUpdate("""
            INSERT INTO purchase (%s)
            VALUES (:id, :store, :environment, :storeKey, :userId, :appAccountToken, :appId, :productId, :kind, :state, :stateReason,
                    :transactionId, :originalTransactionId, :purchasedAt, :expiresAt, :amountMicros, :currency, :acknowledged,
                    :entitledAt, :announced, :createdAt, :updatedAt)
            ON CONFLICT (store, environment, store_key) DO NOTHING""".formatted(COLUMNS))
        .bind("id", p.id())
        .bind("store", p.store().wire())
        .bind("environment", p.environment())
        .bind("storeKey", p.storeKey())
        .bind("productId", p.productId())
        .bind("kind", p.kind().wire())
        .bind("createdAt", p.createdAt())
        .bindMap(changing(p))
        .execute();
    return lockByStoreKey(p.store(), p.environment(), p.storeKey()).orElseThrow();
  }

  @Override
  public Optional<Purchase> lockByStoreKey(Store store, String environment, String storeKey) {
    return unitOfWork.currentHandle("Purchases.lockByStoreKey").createQuery("""
            SELECT %s FROM purchase WHERE store = :store AND environment = :environment AND store_key = :storeKey FOR UPDATE"""
            .formatted(COLUMNS))
        .bind("store", store.wire())
        .bind("environment", environment)
        .bind("storeKey", storeKey)
        .map((rs, ctx) -> purchase(rs))
        .findOne();
  }

  @Override
  public Optional<Purchase> lock(UUID id) {
    return unitOfWork.currentHandle("Purchases.lock").createQuery("SELECT " + COLUMNS + " FROM purchase WHERE id = :id FOR UPDATE")
        .bind("id", id)
        .map((rs, ctx) -> purchase(rs))
        .findOne();
  }

  @Override
  public Optional<Purchase> find(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM purchase WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> purchase(rs))
        .findOne());
  }

  @Override
  public Optional<Purchase> findByStoreKey(Store store, String storeKey) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT %s FROM purchase WHERE store = :store AND store_key = :storeKey ORDER BY created_at DESC LIMIT 1""".formatted(COLUMNS))
        .bind("store", store.wire())
        .bind("storeKey", storeKey)
        .map((rs, ctx) -> purchase(rs))
        .findOne());
  }

  @Override
  public void update(Purchase p) {
    unitOfWork.currentHandle("Purchases.update").createUpdate("""
            UPDATE purchase SET user_id = :userId, app_account_token = :appAccountToken, app_id = :appId, state = :state,
                   state_reason = :stateReason, transaction_id = :transactionId, original_transaction_id = :originalTransactionId,
                   purchased_at = :purchasedAt, expires_at = :expiresAt, amount_micros = :amountMicros, currency = :currency,
                   acknowledged = :acknowledged, entitled_at = :entitledAt, announced = :announced, updated_at = :updatedAt
            WHERE id = :id""")
        .bind("id", p.id())
        .bindMap(changing(p))
        .execute();
  }

  @Override
  public List<Purchase> awaitingAcknowledgement(Instant entitledBefore, Instant entitledAfter, int limit) {
    return unitOfWork.currentHandle("Purchases.awaitingAcknowledgement").createQuery("""
            SELECT %s FROM purchase
            WHERE store = 'google' AND NOT acknowledged AND state IN ('verified', 'renewed')
              AND entitled_at < :before AND entitled_at > :after
            ORDER BY entitled_at LIMIT :limit""".formatted(COLUMNS))
        .bind("before", entitledBefore)
        .bind("after", entitledAfter)
        .bind("limit", limit)
        .map((rs, ctx) -> purchase(rs))
        .list();
  }

  @Override
  public AcknowledgementBacklog acknowledgementBacklog() {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT count(*) AS waiting, min(entitled_at) AS oldest FROM purchase
            WHERE store = 'google' AND NOT acknowledged AND state IN ('verified', 'renewed')""")
        .map((rs, ctx) -> new AcknowledgementBacklog(rs.getLong("waiting"),
            Optional.ofNullable(rs.getObject("oldest", OffsetDateTime.class)).map(OffsetDateTime::toInstant)))
        .one());
  }

  /** The columns that change over a purchase's life, bound the same way on insert and on update. */
  private static java.util.Map<String, Object> changing(Purchase p) {
    java.util.Map<String, Object> values = new java.util.HashMap<>();
    values.put("userId", p.userId().orElse(null));
    values.put("appAccountToken", p.appAccountToken().orElse(null));
    values.put("appId", p.appId().orElse(null));
    values.put("state", p.state().wire());
    values.put("stateReason", p.stateReason().orElse(null));
    values.put("entitledAt", p.entitledAt().orElse(null));
    values.put("announced", p.announced());
    values.put("transactionId", p.transactionId());
    values.put("originalTransactionId", p.originalTransactionId());
    values.put("purchasedAt", p.purchasedAt().orElse(null));
    values.put("expiresAt", p.expiresAt().orElse(null));
    values.put("amountMicros", p.amountMicros().orElse(null));
    values.put("currency", p.currency().orElse(null));
    values.put("acknowledged", p.acknowledged());
    values.put("updatedAt", p.updatedAt());
    return values;
  }

  private static Purchase purchase(ResultSet rs) throws SQLException {
    return new Purchase(
        rs.getObject("id", UUID.class),
        Store.fromWire(rs.getString("store")),
        rs.getString("environment"),
        rs.getString("store_key"),
        Optional.ofNullable(rs.getString("user_id")),
        Optional.ofNullable(rs.getString("app_account_token")),
        Optional.ofNullable(rs.getString("app_id")),
        rs.getString("product_id"),
        PurchaseKind.fromWire(rs.getString("kind")),
        PurchaseState.fromWire(rs.getString("state")),
        Optional.ofNullable(rs.getString("state_reason")),
        rs.getString("transaction_id"),
        rs.getString("original_transaction_id"),
        Optional.ofNullable(rs.getObject("purchased_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
        Optional.ofNullable(rs.getObject("expires_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
        Optional.ofNullable((Long) rs.getObject("amount_micros")),
        Optional.ofNullable(rs.getString("currency")),
        rs.getBoolean("acknowledged"),
        Optional.ofNullable(rs.getObject("entitled_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
        rs.getBoolean("announced"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }
}
