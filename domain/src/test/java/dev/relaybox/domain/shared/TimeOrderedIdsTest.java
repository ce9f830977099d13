package dev.relaybox.domain.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

  @Test
  void producesVersion7IdsThatSortByCreationTime() {
    var early = new TimeOrderedIds(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), new SplittableRandom(1));
    var late = new TimeOrderedIds(Clock.fixed(Instant.parse("2026-01-01T00:00:01Z"), ZoneOffset.UTC), new SplittableRandom(2));

    var first = early.next();
    var second = late.next();

    assertEquals(7, first.version());
    assertEquals(2, first.variant());
    assertTrue(first.toString().compareTo(second.toString()) < 0, first + " should sort before " + second);
    assertEquals(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), first.getMostSignificantBits() >>> 16);
  }

  @Test
  void rejectsEventTypesThatAreNotDottedLowerCase() {
    assertEquals("order.created", new EventType("order.created").value());
    for (String bad : new String[] {"order", "Order.Created", "order..created", "order.created.", " order.created"}) {
      try {
        new EventType(bad);
        throw new AssertionError("accepted " + bad);
      } catch (IllegalArgumentException expected) {
        assertTrue(expected.getMessage().contains("event type"));
      }
    }
  }
}
