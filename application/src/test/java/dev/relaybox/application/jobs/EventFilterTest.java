package dev.relaybox.application.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventFilterTest {

  @Test
  void exactTypeMatchesOnlyThatType() {
    EventFilter filter = new EventFilter("order.shipped");
    assertTrue(filter.matches("order.shipped"));
    assertFalse(filter.matches("order.created"));
    assertFalse(filter.matches("order.shipped.late"));
    assertFalse(filter.matches("xorder.shipped"));
  }

  @Test
  void prefixMatchesEveryTypeBelowIt() {
    EventFilter filter = new EventFilter("order.*");
    assertTrue(filter.matches("order.shipped"));
    assertTrue(filter.matches("order.created"));
    assertTrue(filter.matches("order.shipped.late"));
  }

  @Test
  void prefixDoesNotMatchALongerWordOrTheBareNamespace() {
    EventFilter filter = new EventFilter("order.*");
    assertFalse(filter.matches("orders.shipped"));
    assertFalse(filter.matches("order"));
    assertFalse(filter.matches("invoice.order.shipped"));
  }

  @Test
  void multiLevelPrefixMatchesOnlyItsSubtree() {
    EventFilter filter = new EventFilter("order.shipped.*");
    assertTrue(filter.matches("order.shipped.late"));
    assertFalse(filter.matches("order.shipped"));
    assertFalse(filter.matches("order.created.late"));
  }

  @Test
  void starMatchesEverything() {
    EventFilter filter = new EventFilter("*");
    assertTrue(filter.matches("order.shipped"));
    assertTrue(filter.matches("assistance.requested"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "order*", "*.shipped", "order.**", "order.", ".order", "Order.shipped", "order..shipped",
      "order.*.shipped", "order shipped", "**", "order.%", "1order.shipped"})
  void rejectsMalformedPatterns(String pattern) {
    assertThrows(IllegalArgumentException.class, () -> new EventFilter(pattern));
  }

  @ParameterizedTest
  @NullSource
  void rejectsNull(String pattern) {
    assertThrows(NullPointerException.class, () -> new EventFilter(pattern));
  }

  @ParameterizedTest
  @ValueSource(strings = {"order", "order.shipped", "order.*", "order_v2.shipped_late", "a.b.c.*", "*"})
  void acceptsWellFormedPatterns(String pattern) {
    new EventFilter(pattern);
  }
}
