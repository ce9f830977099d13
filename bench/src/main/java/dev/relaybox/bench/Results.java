package dev.relaybox.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Per-run values of every measurement, keyed by name, plus free-form notes. */
final class Results {
  private final Map<String, List<Double>> values = new LinkedHashMap<>();
  private final Map<String, String> notes = new LinkedHashMap<>();

  void put(String name, List<Double> runs) {
    values.put(name, List.copyOf(runs));
  }

  void note(String name, String value) {
    notes.put(name, value);
  }

  Optional<Stats> stats(String name) {
    return Optional.ofNullable(values.get(name)).map(Stats::of);
  }

  Map<String, List<Double>> values() {
    return values;
  }

  Map<String, String> notes() {
    return notes;
  }
}
