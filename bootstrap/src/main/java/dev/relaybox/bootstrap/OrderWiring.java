package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.commerce.CommerceSettings;
import dev.relaybox.adapters.commerce.HttpCustomerDirectory;
import dev.relaybox.adapters.commerce.HttpInventory;
import dev.relaybox.adapters.commerce.HttpPaymentAuthorizer;
import dev.relaybox.adapters.http.order.OrderRoutes;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.metrics.MeteredCommerce;
import dev.relaybox.adapters.persistence.order.JacksonOrderDocuments;
import dev.relaybox.adapters.persistence.order.JdbiOrders;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.order.CompensateOrder;
import dev.relaybox.application.order.OrderService;
import dev.relaybox.application.order.port.out.CustomerDirectory;
import dev.relaybox.application.order.port.out.DependencyUnavailableException;
import dev.relaybox.application.order.port.out.Inventory;
import dev.relaybox.application.order.port.out.PaymentAuthorizer;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders wired from the environment (the README's "Orders" section). Without the three dependency URLs Relaybox still
 * starts and placing an order answers 503 naming the missing variable.
 */
record OrderWiring(OrderRoutes routes, List<HandlerRegistration> handlers) {
  private static final Logger LOG = LoggerFactory.getLogger(OrderWiring.class);
  /** The states the commerce clients' circuits report, as the notification channels' circuits name them. */
  private static final List<String> CIRCUIT_STATES = List.of("closed", "open", "half-open");

  static OrderWiring create(Map<String, String> environment, Jdbi jdbi, JdbiUnitOfWork unitOfWork, Outbox outbox, Jobs jobs,
      ObjectMapper json, JsonBodies bodies, TimeOrderedIds ids, Clock clock, MeteredCommerce metered) {
    Env env = new Env(environment);
    CommerceSettings.Limits limits;
    try {
      limits = new CommerceSettings.Limits(env.duration("RELAYBOX_COMMERCE_TIMEOUT", Duration.ofSeconds(3)),
          env.integer("RELAYBOX_COMMERCE_BREAKER_FAILURES", 5, 1, 1000), env.integer("RELAYBOX_COMMERCE_BREAKER_WINDOW", 10, 1, 1000),
          env.duration("RELAYBOX_COMMERCE_BREAKER_DELAY", Duration.ofSeconds(30)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("commerce limits: " + e.getMessage());
    }
    CustomerDirectory customers = metered.customers(url(env, "RELAYBOX_CUSTOMERS_URL")
        .<CustomerDirectory>map(u -> {
          var client = new HttpCustomerDirectory(u, limits, json);
          metered.circuitState("customers", CIRCUIT_STATES, client::circuitState);
          return client;
        })
        .orElseGet(() -> id -> { throw missing("customer directory", "RELAYBOX_CUSTOMERS_URL"); }));
    Inventory inventory = metered.inventory(url(env, "RELAYBOX_INVENTORY_URL").<Inventory>map(u -> {
      var client = new HttpInventory(u, limits, json);
      metered.circuitState("inventory", CIRCUIT_STATES, client::circuitState);
      return client;
    }).orElseGet(UnconfiguredInventory::new));
    PaymentAuthorizer payments = metered.authorizations(url(env, "RELAYBOX_AUTHORIZATIONS_URL").<PaymentAuthorizer>map(u -> {
      var client = new HttpPaymentAuthorizer(u, limits, json);
      metered.circuitState("authorizations", CIRCUIT_STATES, client::circuitState);
      return client;
    }).orElseGet(UnconfiguredPayments::new));
    var orders = new JdbiOrders(unitOfWork, jdbi, json);
    var service = new OrderService(unitOfWork, orders, new JacksonOrderDocuments(json), customers, inventory, payments, outbox, jobs, ids,
        clock, env.duration("RELAYBOX_ORDER_SETTLE_AFTER", Duration.ofMinutes(2)));
    var compensate = new CompensateOrder(unitOfWork, orders, inventory, payments, clock);
    return new OrderWiring(new OrderRoutes(service, service, service, bodies),
        List.of(new HandlerRegistration(CompensateOrder.subscription(), compensate)));
  }

  private static Optional<URI> url(Env env, String name) {
    Optional<String> raw = env.text(name);
    if (raw.isEmpty()) {
      LOG.info("{} is not set: placing an order answers 503 until it is", name);
      return Optional.empty();
    }
    try {
      URI uri = URI.create(raw.get());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return Optional.of(uri);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name + " must be an http(s) URL");
    }
  }

  private static DependencyUnavailableException missing(String dependency, String variable) {
    return new DependencyUnavailableException(dependency, variable + " is not set", Duration.ofMinutes(1));
  }

  private static final class UnconfiguredInventory implements Inventory {
    @Override
    public Reservation reserve(java.util.UUID orderId, List<dev.relaybox.domain.order.OrderLine> lines) {
      throw missing("inventory", "RELAYBOX_INVENTORY_URL");
    }

    @Override
    public Optional<String> findReservation(java.util.UUID orderId) {
      throw missing("inventory", "RELAYBOX_INVENTORY_URL");
    }

    @Override
    public void release(String reservationId) {
      throw missing("inventory", "RELAYBOX_INVENTORY_URL");
    }
  }

  private static final class UnconfiguredPayments implements PaymentAuthorizer {
    @Override
    public Authorization authorize(java.util.UUID orderId, String customerId, long amount, String currency) {
      throw missing("payment authoriser", "RELAYBOX_AUTHORIZATIONS_URL");
    }

    @Override
    public Optional<Authorization> find(java.util.UUID orderId) {
      throw missing("payment authoriser", "RELAYBOX_AUTHORIZATIONS_URL");
    }

    @Override
    public void voidAuthorization(String authorizationId) {
      throw missing("payment authoriser", "RELAYBOX_AUTHORIZATIONS_URL");
    }
  }
}
