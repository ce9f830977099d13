package dev.relaybox.adapters.persistence.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.adapters.persistence.shared.KeysetPage;
import dev.relaybox.application.order.port.out.Orders;
import dev.relaybox.domain.order.Order;
import dev.relaybox.domain.order.OrderChange;
import dev.relaybox.domain.order.OrderLine;
import dev.relaybox.domain.order.OrderStatus;
import dev.relaybox.domain.order.Shipment;
import dev.relaybox.domain.order.ShippingAddress;
import dev.relaybox.domain.order.Sku;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Orders in {@code customer_order}; writes and locking reads join the caller's transaction, plain reads do not. */
public final class JdbiOrders implements Orders {
  private static final String COLUMNS = """
      id, customer_id, storefront, currency, amount, lines, shipping_address, status, cancel_reason, reservation_id,
      authorization_id, carrier, tracking_number, shipped_at, created_at, updated_at""";

  private final JdbiUnitOfWork unitOfWork;
  private final Jdbi jdbi;
  private final ObjectMapper json;
  private final JacksonOrderDocuments documents;

  public JdbiOrders(JdbiUnitOfWork unitOfWork, Jdbi jdbi, ObjectMapper json) {
    this.unitOfWork = unitOfWork;
    this.jdbi = jdbi;
    this.json = json;
    this.documents = new JacksonOrderDocuments(json);
  }

  @Override
  public void add(Order o, OrderChange first) {
    Handle h = unitOfWork.currentHandle("Orders.add");
    int inserted = h.createUpdate("""
            INSERT INTO customer_order (id, customer_id, storefront, currency, amount, lines, shipping_address, status, cancel_reason,
                                        reservation_id, authorization_id, carrier, tracking_number, shipped_at, created_at, updated_at)
            VALUES (:id, :customerId, :storefront, :currency, :amount, CAST(:lines AS jsonb), CAST(:address AS jsonb), :status,
                    :cancelReason, :reservationId, :authorizationId, :carrier, :trackingNumber, :shippedAt, :createdAt, :updatedAt)
            ON CONFLICT (id) DO NOTHING""")
        .bind("customerId", o.customerId())
        .bind("storefront", o.storefront())
        .bind("currency", o.currency())
        .bind("amount", o.amount())
        .bind("lines", documents.write(documents.lines(o)))
        .bind("address", documents.write(documents.address(o.shippingAddress())))
        .bind("createdAt", o.createdAt())
        .bindMap(changing(o))
        .execute();
    if (inserted == 1) {
      appendHistory(h, o.id(), first);
    }
  }

  @Override
  public Optional<Order> lock(UUID id) {
    return unitOfWork.currentHandle("Orders.lock").createQuery("SELECT " + COLUMNS + " FROM customer_order WHERE id = :id FOR UPDATE")
        .bind("id", id)
        .map((rs, ctx) -> order(rs))
        .findOne();
  }

  @Override
  public Optional<Order> find(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM customer_order WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> order(rs))
        .findOne());
  }

  @Override
  public void update(Order o, OrderChange change) {
    Handle h = unitOfWork.currentHandle("Orders.update");
    h.createUpdate("""
            UPDATE customer_order SET status = :status, cancel_reason = :cancelReason, reservation_id = :reservationId,
                   authorization_id = :authorizationId, carrier = :carrier, tracking_number = :trackingNumber, shipped_at = :shippedAt,
                   updated_at = :updatedAt
            WHERE id = :id""")
        .bindMap(changing(o))
        .execute();
    appendHistory(h, o.id(), change);
  }

  @Override
  public List<OrderChange> history(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT from_status, to_status, reason, at FROM order_history WHERE order_id = :id ORDER BY id")
        .bind("id", id)
        .map((rs, ctx) -> new OrderChange(Optional.ofNullable(rs.getString("from_status")).flatMap(OrderStatus::fromWire),
            OrderStatus.fromWire(rs.getString("to_status")).orElseThrow(), rs.getString("reason"), instant(rs, "at")))
        .list());
  }

  @Override
  public OrderPage list(OrderQuery query) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM customer_order WHERE true");
    query.customerId().ifPresent(c -> sql.append(" AND customer_id = :customerId"));
    query.status().ifPresent(s -> sql.append(" AND status = :status"));
    query.after().ifPresent(a -> sql.append(" AND id < :after"));
    sql.append(" ORDER BY id DESC LIMIT :limit");
    List<Order> rows = jdbi.withHandle(h -> {
      Query q = h.createQuery(sql.toString()).bind("limit", query.limit() + 1);
      query.customerId().ifPresent(c -> q.bind("customerId", c));
      query.status().ifPresent(s -> q.bind("status", s.wire()));
      query.after().ifPresent(a -> q.bind("after", a));
      return q.map((rs, ctx) -> order(rs)).list();
    });
    KeysetPage<Order, UUID> page = KeysetPage.of(rows, query.limit(), Order::id);
    return new OrderPage(page.rows(), page.next());
  }

  @Override
  public Optional<KeyUse> claimKey(String key, byte[] fingerprint, UUID orderId) {
    Handle h = unitOfWork.currentHandle("Orders.claimKey");
    int inserted = h.createUpdate("""
            INSERT INTO order_idempotency_key (key, fingerprint, order_id, created_at) VALUES (:key, :fingerprint, :orderId, now())
            ON CONFLICT (key) DO NOTHING""")
        .bind("key", key)
        .bind("fingerprint", fingerprint)
        .bind("orderId", orderId)
        .execute();
    if (inserted == 1) {
      return Optional.empty();
    }
    return h.createQuery("SELECT order_id, fingerprint FROM order_idempotency_key WHERE key = :key")
        .bind("key", key)
        .map((rs, ctx) -> new KeyUse(rs.getObject("order_id", UUID.class), rs.getBytes("fingerprint")))
        .findOne();
  }

  @Override
  public void forgetKey(String key, UUID orderId) {
    lock(orderId);
    unitOfWork.currentHandle("Orders.forgetKey").createUpdate("""
            DELETE FROM order_idempotency_key
            WHERE key = :key AND order_id = :orderId
              AND NOT EXISTS (SELECT 1 FROM customer_order
                              WHERE id = :orderId AND status IN ('processing', 'shipped', 'delivered'))""")
        .bind("key", key)
        .bind("orderId", orderId)
        .execute();
  }

  @Override
  public boolean keyNames(String key, UUID orderId) {
    return unitOfWork.currentHandle("Orders.keyNames")
        .createQuery("SELECT order_id FROM order_idempotency_key WHERE key = :key FOR SHARE")
        .bind("key", key)
        .mapTo(UUID.class)
        .findOne()
        .filter(orderId::equals)
        .isPresent();
  }

  private static void appendHistory(Handle h, UUID orderId, OrderChange change) {
    h.createUpdate("INSERT INTO order_history (order_id, from_status, to_status, reason, at) VALUES (:orderId, :from, :to, :reason, :at)")
        .bind("orderId", orderId)
        .bind("from", change.from().map(OrderStatus::wire).orElse(null))
        .bind("to", change.to().wire())
        .bind("reason", change.reason())
        .bind("at", change.at())
        .execute();
  }

  private static java.util.Map<String, Object> changing(Order o) {
    java.util.Map<String, Object> values = new java.util.HashMap<>();
    values.put("id", o.id());
    values.put("status", o.status().wire());
    values.put("cancelReason", o.cancelReason().orElse(null));
    values.put("reservationId", o.reservationId().orElse(null));
    values.put("authorizationId", o.authorizationId().orElse(null));
    values.put("carrier", o.shipment().map(Shipment::carrier).orElse(null));
    values.put("trackingNumber", o.shipment().map(Shipment::trackingNumber).orElse(null));
    values.put("shippedAt", o.shipment().map(Shipment::shippedAt).orElse(null));
    values.put("updatedAt", o.updatedAt());
    return values;
  }

  private Order order(ResultSet rs) throws SQLException {
    try {
      List<OrderLine> lines = new ArrayList<>();
      for (JsonNode line : json.readTree(rs.getString("lines"))) {
        lines.add(new OrderLine(new Sku(line.path("sku").asText()), line.path("quantity").asInt(), line.path("unitPrice").asLong()));
      }
      JsonNode a = json.readTree(rs.getString("shipping_address"));
      ShippingAddress address = new ShippingAddress(a.path("name").asText(), a.path("line1").asText(),
          Optional.ofNullable(a.get("line2")).filter(l -> !l.isNull()).map(JsonNode::asText), a.path("city").asText(), a.path("postalCode").asText(),
          a.path("country").asText());
      Optional<Shipment> shipment = Optional.ofNullable(rs.getString("carrier"))
          .map(c -> {
            try {
              return new Shipment(c, rs.getString("tracking_number"), instant(rs, "shipped_at"));
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          });
      return new Order(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("storefront"), rs.getString("currency"),
          lines, address, OrderStatus.fromWire(rs.getString("status")).orElseThrow(), Optional.ofNullable(rs.getString("cancel_reason")),
          Optional.ofNullable(rs.getString("reservation_id")), Optional.ofNullable(rs.getString("authorization_id")), shipment,
          instant(rs, "created_at"), instant(rs, "updated_at"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}
