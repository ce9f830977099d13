package dev.relaybox.adapters.commerce.simulator;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the simulator does, changeable while it runs ({@code PUT /_simulator/knobs}). Latency and failure rate are per
 * service ({@code customers}, {@code inventory}, {@code authorizations}). Latency is spent after the work is done, so a
 * caller that times out leaves a reservation or an authorisation behind, as a slow real service would.
 */
public record Knobs(
    int defaultStock,
    Map<String, Integer> stock,
    double declineRate,
    Map<String, Long> latencyMillis,
    Map<String, Double> failureRate,
    Set<String> unknownCustomers) {
  public static final List<String> SERVICES = List.of("customers", "inventory", "authorizations");

  public Knobs {
    if (defaultStock < 0) throw new IllegalArgumentException("defaultStock must not be negative");
    stock = Map.copyOf(stock == null ? Map.of() : stock);
    if (!(declineRate >= 0 && declineRate <= 1)) throw new IllegalArgumentException("declineRate must be within 0..1");
    latencyMillis = Map.copyOf(latencyMillis == null ? Map.of() : latencyMillis);
    failureRate = Map.copyOf(failureRate == null ? Map.of() : failureRate);
    for (String service : latencyMillis.keySet()) known(service);
    for (var e : failureRate.entrySet()) {
      known(e.getKey());
      if (!(e.getValue() >= 0 && e.getValue() <= 1)) throw new IllegalArgumentException("failure rate must be within 0..1");
    }
    for (long l : latencyMillis.values()) if (l < 0) throw new IllegalArgumentException("latency must not be negative");
    unknownCustomers = Set.copyOf(unknownCustomers == null ? Set.of() : unknownCustomers);
  }

  public static Knobs defaults() {
    return new Knobs(100, Map.of(), 0.0, Map.of(), Map.of(), Set.of());
  }

  Duration latency(String service) {
    return Duration.ofMillis(latencyMillis.getOrDefault(service, 0L));
  }

  double failureRate(String service) {
    return failureRate.getOrDefault(service, 0.0);
  }

  int initialStock(String sku) {
    return stock.getOrDefault(sku, defaultStock);
  }

  Knobs withLatency(String service, Duration latency) {
    Map<String, Long> copy = new HashMap<>(latencyMillis);
    for (String s : service.equals("*") ? SERVICES : List.of(service)) copy.put(s, latency.toMillis());
    return new Knobs(defaultStock, stock, declineRate, copy, failureRate, unknownCustomers);
  }

  Knobs withFailureRate(String service, double rate) {
    Map<String, Double> copy = new HashMap<>(failureRate);
    for (String s : service.equals("*") ? SERVICES : List.of(service)) copy.put(s, rate);
    return new Knobs(defaultStock, stock, declineRate, latencyMillis, copy, unknownCustomers);
  }

  private static void known(String service) {
    if (!SERVICES.contains(service)) {
      throw new IllegalArgumentException("unknown service '" + service + "'; services are " + SERVICES);
    }
  }
}
