package dev.relaybox.adapters.http.order;

import dev.relaybox.adapters.http.shared.LookupIds;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.Problem;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RequestIds;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.order.port.in.ChangeOrderUseCase;
import dev.relaybox.application.order.port.in.GetOrderUseCase;
import dev.relaybox.application.order.port.in.OrderInProgressException;
import dev.relaybox.application.order.port.in.OutOfStockException;
import dev.relaybox.application.order.port.in.PlaceOrderCommand;
import dev.relaybox.application.order.port.in.PlaceOrderUseCase;
import dev.relaybox.application.order.port.in.ShipOrderCommand;
import dev.relaybox.application.order.port.out.DependencyUnavailableException;
import dev.relaybox.application.order.port.out.Orders.OrderQuery;
import dev.relaybox.domain.order.Order;
import dev.relaybox.domain.order.OrderChange;
import dev.relaybox.domain.order.OrderConflictException;
import dev.relaybox.domain.order.OrderLine;
import dev.relaybox.domain.order.OrderStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code /v1/orders}: placing an order answers synchronously (201 with the order, processing or canceled for a declined
 * payment); shipping, delivery, cancellation; one order with its history, and a filtered, paged list.
 */
public final class OrderRoutes implements RouteModule {
  private static final String BASE = "/v1/orders";
  private static final int MAX_LIMIT = 200;

  private final PlaceOrderUseCase place;
  private final ChangeOrderUseCase change;
  private final GetOrderUseCase lookup;
  private final JsonBodies bodies;

  public OrderRoutes(PlaceOrderUseCase place, ChangeOrderUseCase change, GetOrderUseCase lookup, JsonBodies bodies) {
    this.place = place;
    this.change = change;
    this.lookup = lookup;
    this.bodies = bodies;
  }

  /** Numbers as JSON nodes, so that 1.5 or "2" is refused rather than truncated or coerced. */
  record ItemBody(String sku, JsonNode quantity, JsonNode unitPrice) {}

  record AddressBody(String name, String line1, String line2, String city, String postalCode, String country) {}

  record PlaceBody(String customerId, String storefront, String currency, List<ItemBody> items, AddressBody shippingAddress) {}

  record ShipBody(String carrier, String trackingNumber) {}

  record ItemView(String sku, int quantity, long unitPrice) {}

  record AddressView(String name, String line1, String line2, String city, String postalCode, String country) {}

  record ShipmentView(String carrier, String trackingNumber, Instant shippedAt) {}

  record OrderView(UUID id, String customerId, String storefront, String status, String cancelReason, String currency,
      long amount, List<ItemView> items, AddressView shippingAddress, ShipmentView shipment, Instant createdAt,
      Instant updatedAt) {
    static OrderView of(Order o) {
      var a = o.shippingAddress();
      return new OrderView(o.id(), o.customerId(), o.storefront(), o.status().wire(), o.cancelReason().orElse(null), o.currency(), o.amount(),
          o.lines().stream().map(l -> new ItemView(l.sku().value(), l.quantity(), l.unitPrice())).toList(),
          new AddressView(a.name(), a.line1(), a.line2().orElse(null), a.city(), a.postalCode(), a.country()),
          o.shipment().map(s -> new ShipmentView(s.carrier(), s.trackingNumber(), s.shippedAt())).orElse(null), o.createdAt(), o.updatedAt());
    }
  }

  record ChangeView(String from, String to, String reason, Instant at) {
    static ChangeView of(OrderChange c) {
      return new ChangeView(c.from().map(OrderStatus::wire).orElse(null), c.to().wire(), c.reason(), c.at());
    }
  }

  record OrderWithHistory(OrderView order, List<ChangeView> history) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record PageView(List<OrderView> orders, String nextCursor) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(BASE, this::place);
    routes.get(BASE, this::list);
    routes.get(BASE + "/{id}", this::get);
    routes.post(BASE + "/{id}/shipments", this::ship);
    routes.post(BASE + "/{id}/delivery", ctx -> respond(ctx, id -> change.deliver(id, RequestIds.of(ctx))));
    routes.post(BASE + "/{id}/cancel", ctx -> respond(ctx, id -> change.cancel(id, RequestIds.of(ctx))));
  }

  private void place(Context ctx) {
    PlaceBody body = bodies.read(ctx, PlaceBody.class);
    List<PlaceOrderCommand.Item> items = body.items() == null ? null
        : body.items().stream().map(i -> i == null ? null : new PlaceOrderCommand.Item(i.sku(), whole(i.quantity()), whole(i.unitPrice()))).toList();
    AddressBody a = body.shippingAddress();
    var command = PlaceOrderCommand.of(ctx.header("Idempotency-Key"), body.customerId(), body.storefront(), body.currency(), items,
        a == null ? null : new PlaceOrderCommand.Address(a.name(), a.line1(), a.line2(), a.city(), a.postalCode(), a.country()),
        RequestIds.of(ctx), RequestIds.traceparentOf(ctx));
    PlaceOrderUseCase.PlacedOrder placed = guarded(() -> {
      try {
        return place.place(command);
      } catch (OutOfStockException e) {
        throw outOfStock(command, e);
      }
    });
    ctx.header("Location", BASE + "/" + placed.order().id());
    if (placed.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    ctx.status(201).json(OrderView.of(placed.order()));
  }

  private void ship(Context ctx) {
    UUID id = parseId(ctx.pathParam("id"));
    ShipBody body = bodies.read(ctx, ShipBody.class);
    var command = ShipOrderCommand.of(id, body.carrier(), body.trackingNumber(), RequestIds.of(ctx));
    Order order = guarded(() -> change.ship(command)).orElseThrow(() -> ProblemException.notFound("no order " + id));
    ctx.json(OrderView.of(order));
  }

  private void respond(Context ctx, java.util.function.Function<UUID, Optional<Order>> step) {
    UUID id = parseId(ctx.pathParam("id"));
    Order order = guarded(() -> step.apply(id)).orElseThrow(() -> ProblemException.notFound("no order " + id));
    ctx.json(OrderView.of(order));
  }

  /** The order with its history for {@code GET /admin/lookup/{id}}; empty when {@code id} is no order id. */
  public Optional<Object> find(String id) {
    return LookupIds.uuid(id).flatMap(uuid -> lookup.get(uuid)
        .map(o -> new OrderWithHistory(OrderView.of(o), lookup.history(uuid).stream().map(ChangeView::of).toList())));
  }

  private void get(Context ctx) {
    UUID id = parseId(ctx.pathParam("id"));
    Order order = lookup.get(id).orElseThrow(() -> ProblemException.notFound("no order " + id));
    ctx.json(new OrderWithHistory(OrderView.of(order), lookup.history(id).stream().map(ChangeView::of).toList()));
  }

  private void list(Context ctx) {
    Optional<String> customer = param(ctx, "customerId");
    Optional<OrderStatus> status = param(ctx, "status").map(s -> OrderStatus.fromWire(s)
        .orElseThrow(() -> ProblemException.badParameter("status", "must be one of pending, processing, shipped, delivered, canceled")));
    int limit = param(ctx, "limit").map(OrderRoutes::limit).orElse(50);
    Optional<UUID> cursor = param(ctx, "cursor").map(raw -> {
      try {
        return UUID.fromString(raw);
      } catch (IllegalArgumentException e) {
        throw ProblemException.badParameter("cursor", "must be the nextCursor of a previous page");
      }
    });
    var page = lookup.list(new OrderQuery(customer, status, limit, cursor));
    ctx.json(new PageView(page.orders().stream().map(OrderView::of).toList(), page.next().map(UUID::toString).orElse(null)));
  }

  /** The exceptions every order operation may raise, as problems: 409 for a conflict, 503 with Retry-After. */
  private static <T> T guarded(Supplier<T> work) {
    try {
      return work.get();
    } catch (OrderConflictException e) {
      throw new ProblemException(Problem.of(409, "order-conflict", "Conflict", e.getMessage()));
    } catch (OrderInProgressException e) {
      throw new ProblemException(Problem.of(409, "order-in-progress", "In progress", e.getMessage()),
          Map.of("Retry-After", Long.toString(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000))));
    } catch (DependencyUnavailableException e) {
      long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
      throw new ProblemException(Problem.of(503, "dependency-unavailable", "Service unavailable",
          "no answer from the " + e.dependency() + "; the order was not placed (an attempt already stored shows as canceled, "
              + "and a background job releases its stock and voids any authorisation). Retry with the same Idempotency-Key"),
          Map.of("Retry-After", Long.toString(seconds)));
    }
  }

  private static ProblemException outOfStock(PlaceOrderCommand command, OutOfStockException e) {
    List<Problem.FieldError> errors = new ArrayList<>();
    for (int i = 0; i < command.lines().size(); i++) {
      OrderLine line = command.lines().get(i);
      if (e.skus().contains(line.sku().value())) {
        errors.add(new Problem.FieldError("items[" + i + "].sku", line.sku().value() + " is out of stock"));
      }
    }
    return new ProblemException(Problem.of(409, "out-of-stock", "Out of stock",
        "not enough stock for " + String.join(", ", e.skus())).withErrors(errors));
  }

  /** A whole JSON number, or null (named as invalid by the command) for anything else. */
  private static Long whole(JsonNode n) {
    return n != null && n.isIntegralNumber() && n.canConvertToLong() ? n.asLong() : null;
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(v -> !v.isBlank());
  }

  private static int limit(String raw) {
    try {
      int limit = Integer.parseInt(raw);
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ProblemException.badParameter("limit", "must be between 1 and " + MAX_LIMIT);
      }
      return limit;
    } catch (NumberFormatException e) {
      throw ProblemException.badParameter("limit", "must be a whole number");
    }
  }

  private static UUID parseId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("no order " + raw.replaceAll("[^A-Za-z0-9-]", "?"));
    }
  }
}
