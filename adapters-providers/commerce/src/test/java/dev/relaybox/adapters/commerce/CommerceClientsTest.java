package dev.relaybox.adapters.commerce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.commerce.simulator.CommerceSimulator;
import dev.relaybox.adapters.commerce.simulator.Knobs;
import dev.relaybox.application.order.port.out.DependencyUnavailableException;
import dev.relaybox.application.order.port.out.Inventory;
import dev.relaybox.application.order.port.out.PaymentAuthorizer;
import dev.relaybox.domain.order.OrderLine;
import dev.relaybox.domain.order.Sku;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The three HTTP clients against the commerce simulator on a loopback port. */
class CommerceClientsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Generous, so that a loaded machine never fails a test that is not about timeouts. */
  private static final CommerceSettings.Limits LIMITS = new CommerceSettings.Limits(Duration.ofSeconds(5), 3, 3, Duration.ofSeconds(30));
  private CommerceSimulator simulator;
  private URI base;

  @BeforeEach
  void start() {
    simulator = CommerceSimulator.start("127.0.0.1", 0, Knobs.defaults(), new SplittableRandom(1));
    base = URI.create(simulator.baseUrl());
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void aReservationIsIdempotentOnTheOrderIdFoundByItAndReleasedOnce() {
    var inventory = new HttpInventory(base, LIMITS, JSON);
    UUID order = UUID.randomUUID();
    List<OrderLine> lines = List.of(new OrderLine(new Sku("SKU-1"), 3, 100));
    var first = assertInstanceOf(Inventory.Reservation.Reserved.class, inventory.reserve(order, lines));
    var again = assertInstanceOf(Inventory.Reservation.Reserved.class, inventory.reserve(order, lines));
    assertEquals(first.reservationId(), again.reservationId());
    assertEquals(97, simulator.stockOf("SKU-1"));
    assertEquals(first.reservationId(), inventory.findReservation(order).orElseThrow());
    inventory.release(first.reservationId());
    inventory.release(first.reservationId());
    assertEquals(100, simulator.stockOf("SKU-1"));
    assertTrue(inventory.findReservation(order).isEmpty());
  }

  @Test
  void missingStockNamesTheSkusAndReservesNothing() {
    simulator.knobs(new Knobs(5, Map.of("SKU-NONE", 0), 0, Map.of(), Map.of(), Set.of()));
    var result = new HttpInventory(base, LIMITS, JSON).reserve(UUID.randomUUID(),
        List.of(new OrderLine(new Sku("SKU-OK"), 1, 1), new OrderLine(new Sku("SKU-NONE"), 1, 1)));
    assertEquals(List.of("SKU-NONE"), assertInstanceOf(Inventory.Reservation.Unavailable.class, result).skus());
    assertEquals(5, simulator.stockOf("SKU-OK"));
  }

  @Test
  void anAuthorisationIsIdempotentFoundByOrderAndVoided() {
    var payments = new HttpPaymentAuthorizer(base, LIMITS, JSON);
    UUID order = UUID.randomUUID();
    var a = payments.authorize(order, "cus-1", 1000, "EUR");
    assertEquals(PaymentAuthorizer.Status.APPROVED, a.status());
    assertEquals(a.id(), payments.authorize(order, "cus-1", 1000, "EUR").id());
    payments.voidAuthorization(a.id());
    assertEquals(PaymentAuthorizer.Status.VOIDED, payments.find(order).orElseThrow().status());
    assertTrue(payments.find(UUID.randomUUID()).isEmpty());
  }

  @Test
  void aSlowDependencyTimesOutAsUnavailable() {
    simulator.latency("customers", Duration.ofSeconds(3));
    var customers = new HttpCustomerDirectory(base, new CommerceSettings.Limits(Duration.ofMillis(300), 3, 3, Duration.ofSeconds(30)), JSON);
    var e = assertThrows(DependencyUnavailableException.class, () -> customers.exists("cus-1"));
    assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
  }

  @Test
  void repeatedFailuresOpenTheCircuitAndCallsFailFastUntilItCloses() {
    simulator.failureRate("customers", 1.0);
    var customers = new HttpCustomerDirectory(base, LIMITS, JSON);
    for (int i = 0; i < 3; i++) {
      var e = assertThrows(DependencyUnavailableException.class, () -> customers.exists("cus-1"));
      assertFalse(e.getMessage().contains("circuit open"), e.getMessage());
    }
    assertEquals("open", customers.circuitState());
    simulator.failureRate("customers", 0.0);
    var open = assertThrows(DependencyUnavailableException.class, () -> customers.exists("cus-1"), "refused without calling");
    assertTrue(open.getMessage().contains("circuit open"), open.getMessage());
    assertTrue(open.retryAfter().compareTo(Duration.ofSeconds(20)) > 0, "retry after the breaker's remaining delay");
  }

  @Test
  void unknownCustomersAre404AndKnownOnes200() {
    simulator.knobs(new Knobs(100, Map.of(), 0, Map.of(), Map.of(), Set.of("cus-gone")));
    var customers = new HttpCustomerDirectory(base, LIMITS, JSON);
    assertTrue(customers.exists("cus-here"));
    assertFalse(customers.exists("cus-gone"));
  }
}
