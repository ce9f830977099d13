package dev.relaybox.domain.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TraceparentTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void parsesAValidHeaderAndPrintsItBack() {
    Traceparent t = Traceparent.parse(VALID).orElseThrow();
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", t.traceId());
    assertEquals("00f067aa0ba902b7", t.spanId());
    assertEquals(VALID, t.toString());
  }

  @Test
  void refusesMalformedOrAllZeroIds() {
    for (String bad : new String[] {null, "", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
      assertTrue(Traceparent.parse(bad).isEmpty(), String.valueOf(bad));
    }
  }

  @Test
  void aChildKeepsTheTraceAndGetsANewSpan() {
    var random = new SplittableRandom(1);
    Traceparent parent = Traceparent.parse(VALID).orElseThrow();
    Traceparent child = parent.child(random);
    assertEquals(parent.traceId(), child.traceId());
    assertNotEquals(parent.spanId(), child.spanId());
    Traceparent fresh = Traceparent.start(random);
    assertTrue(Traceparent.parse(fresh.toString()).isPresent());
  }
}
