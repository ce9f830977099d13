package dev.relaybox.adapters.persistence.purchase;

import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The audit trail: INSERT only (rules in V5 make UPDATE and DELETE no-ops), read in time order. */
public final class JdbiPurchaseAudit implements PurchaseAudit {
  private static final String INSERT = """
      INSERT INTO purchase_audit (id, purchase_id, store, subject, kind, outcome, request, response, latency_ms, event_id, at)
      VALUES (:id, :purchaseId, :store, :subject, :kind, :outcome, :request, :response, :latency, :eventId, :at)""";
  private static final int MAX_TEXT = 4_000;

  private final JdbiUnitOfWork unitOfWork;
  private final Jdbi jdbi;

  public JdbiPurchaseAudit(JdbiUnitOfWork unitOfWork, Jdbi jdbi) {
    this.unitOfWork = unitOfWork;
    this.jdbi = jdbi;
  }

  @Override
  public void append(AuditEntry entry) {
    insert(unitOfWork.currentHandle("PurchaseAudit.append"), entry);
  }

  @Override
  public void appendAlone(AuditEntry entry) {
    jdbi.useHandle(h -> insert(h, entry));
  }

  @Override
  public List<AuditEntry> history(UUID purchaseId, String store, String storeKey) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT * FROM purchase_audit
            WHERE purchase_id = :purchaseId OR (purchase_id IS NULL AND store = :store AND subject = :storeKey)
            ORDER BY at, id""")
        .bind("purchaseId", purchaseId)
        .bind("store", store)
        .bind("storeKey", storeKey)
        .map((rs, ctx) -> entry(rs))
        .list());
  }

  @Override
  public int deliveryAttempts(UUID eventId, Instant since) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT count(*) FROM purchase_audit WHERE kind = 'delivery' AND event_id = :eventId AND at >= :since""")
        .bind("eventId", eventId)
        .bind("since", since)
        .mapTo(Integer.class)
        .one());
  }

  private static void insert(Handle h, AuditEntry e) {
    h.createUpdate(INSERT)
        .bind("id", e.id())
        .bind("purchaseId", e.purchaseId().orElse(null))
        .bind("store", e.store())
        .bind("subject", e.subject())
        .bind("kind", e.kind())
        .bind("outcome", e.outcome())
        .bind("request", clip(e.request()))
        .bind("response", clip(e.response()))
        .bind("latency", e.latencyMillis().orElse(null))
        .bind("eventId", e.eventId().orElse(null))
        .bind("at", e.at())
        .execute();
  }

  private static String clip(String text) {
    String clean = text.replace('\u0000', '?');
    return clean.length() <= MAX_TEXT ? clean : clean.substring(0, MAX_TEXT) + "…";
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getObject("id", UUID.class),
        Optional.ofNullable(rs.getObject("purchase_id", UUID.class)),
        rs.getString("store"),
        rs.getString("subject"),
        rs.getString("kind"),
        rs.getString("outcome"),
        rs.getString("request"),
        rs.getString("response"),
        Optional.ofNullable((Long) rs.getObject("latency_ms")),
        Optional.ofNullable(rs.getObject("event_id", UUID.class)),
        rs.getObject("at", OffsetDateTime.class).toInstant());
  }
}
