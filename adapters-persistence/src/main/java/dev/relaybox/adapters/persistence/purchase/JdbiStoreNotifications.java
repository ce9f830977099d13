package dev.relaybox.adapters.persistence.purchase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.purchase.port.out.StoreNotifications;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Store notifications, unique on (store, external id): a replay's INSERT does nothing. */
public final class JdbiStoreNotifications implements StoreNotifications {
  private static final TypeReference<Map<String, String>> FACTS = new TypeReference<>() {};
  private final JdbiUnitOfWork unitOfWork;
  private final Jdbi jdbi;
  private final ObjectMapper json;

  public JdbiStoreNotifications(JdbiUnitOfWork unitOfWork, Jdbi jdbi, ObjectMapper json) {
    this.unitOfWork = unitOfWork;
    this.jdbi = jdbi;
    this.json = json;
  }

  @Override
  public boolean addIfNew(StoredNotification n) {
    return unitOfWork.currentHandle("StoreNotifications.addIfNew").createUpdate("""
            INSERT INTO store_notification (id, store, external_id, type, raw_body, decoded, facts, received_at)
            VALUES (:id, :store, :externalId, :type, :raw, CAST(:decoded AS jsonb), CAST(:facts AS jsonb), :at)
            ON CONFLICT (store, external_id) DO NOTHING""")
        .bind("id", n.id())
        .bind("store", n.store())
        .bind("externalId", n.externalId())
        .bind("type", n.type())
        .bind("raw", n.rawBody().replace('\u0000', '?'))
        .bind("decoded", n.decodedJson())
        .bind("facts", write(n.facts()))
        .bind("at", n.receivedAt())
        .execute() == 1;
  }

  @Override
  public Optional<StoredNotification> find(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, store, external_id, type, raw_body, decoded::text AS decoded, facts::text AS facts, received_at, applied_at
            FROM store_notification WHERE id = :id""")
        .bind("id", id)
        .map((rs, ctx) -> notification(rs))
        .findOne());
  }

  @Override
  public boolean markApplied(UUID id, Instant at) {
    return unitOfWork.currentHandle("StoreNotifications.markApplied").createUpdate("""
            UPDATE store_notification SET applied_at = :at WHERE id = :id AND applied_at IS NULL""")
        .bind("id", id)
        .bind("at", at)
        .execute() == 1;
  }

  private String write(Map<String, String> facts) {
    try {
      return json.writeValueAsString(facts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private StoredNotification notification(ResultSet rs) throws SQLException {
    try {
      return new StoredNotification(
          rs.getObject("id", UUID.class),
          rs.getString("store"),
          rs.getString("external_id"),
          rs.getString("type"),
          rs.getString("raw_body"),
          rs.getString("decoded"),
          json.readValue(rs.getString("facts"), FACTS),
          rs.getObject("received_at", OffsetDateTime.class).toInstant(),
          Optional.ofNullable(rs.getObject("applied_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant));
    } catch (JsonProcessingException e) {
      throw new SQLException("unreadable facts", e);
    }
  }
}
