package dev.relaybox.adapters.commerce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relaybox.adapters.commerce.simulator.SimulatorOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatorOptionsTest {

  @Test
  void readsEveryKnob() {
    var o = SimulatorOptions.parse(List.of("--port", "9200", "--stock", "20", "--stock-of", "A=0,B=5", "--decline-rate", "0.25",
        "--latency", "inventory=2s,authorizations=150ms", "--failure-rate", "0.1", "--unknown-customers", "x,y"));
    assertEquals(9200, o.port());
    assertEquals(20, o.knobs().defaultStock());
    assertEquals(Map.of("A", 0, "B", 5), o.knobs().stock());
    assertEquals(0.25, o.knobs().declineRate());
    assertEquals(Map.of("inventory", 2000L, "authorizations", 150L), o.knobs().latencyMillis());
    assertEquals(Map.of("customers", 0.1, "inventory", 0.1, "authorizations", 0.1), o.knobs().failureRate());
    assertEquals(Set.of("x", "y"), o.knobs().unknownCustomers());
  }

  @Test
  void refusesNonsenseWithTheOptionsName() {
    assertEquals("--decline-rate must be a number from 0 to 1, got '2'",
        assertThrows(IllegalArgumentException.class, () -> SimulatorOptions.parse(List.of("--decline-rate", "2"))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> SimulatorOptions.parse(List.of("--latency", "warehouse=1s")));
    assertThrows(IllegalArgumentException.class, () -> SimulatorOptions.parse(List.of("--port")));
    assertThrows(IllegalArgumentException.class, () -> SimulatorOptions.parse(List.of("--colour", "red")));
  }
}
