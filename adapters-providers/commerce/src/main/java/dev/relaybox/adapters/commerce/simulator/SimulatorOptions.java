package dev.relaybox.adapters.commerce.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The command line of {@code relaybox simulate commerce}:
 * {@code --port 9200 --host 127.0.0.1 --stock 100 --stock-of SKU-1=0,SKU-2=5 --decline-rate 0.1
 * --latency 50ms|inventory=2s,authorizations=100ms --failure-rate 0.05|customers=0.5 --unknown-customers c1,c2}.
 */
public record SimulatorOptions(String host, int port, Knobs knobs) {
  public static final String USAGE = """
      usage: relaybox simulate commerce [--port 9200] [--host 127.0.0.1] [--stock 100] [--stock-of SKU=N,...]
                                        [--decline-rate 0..1] [--latency 50ms | SERVICE=DURATION,...]
                                        [--failure-rate 0..1 | SERVICE=RATE,...] [--unknown-customers ID,...]
        services: customers, inventory, authorizations; durations like 250ms, 2s""";

  public static SimulatorOptions parse(List<String> args) {
    String host = "127.0.0.1";
    int port = 9200;
    Knobs knobs = Knobs.defaults();
    int defaultStock = knobs.defaultStock();
    Map<String, Integer> stock = new HashMap<>();
    double declineRate = 0;
    Set<String> unknown = Set.of();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--host" -> host = value;
        case "--port" -> port = integer(flag, value, 0, 65535);
        case "--stock" -> defaultStock = integer(flag, value, 0, Integer.MAX_VALUE);
        case "--stock-of" -> {
          for (var e : pairs(flag, value).entrySet()) stock.put(e.getKey(), integer(flag, e.getValue(), 0, Integer.MAX_VALUE));
        }
        case "--decline-rate" -> declineRate = rate(flag, value);
        case "--latency" -> {
          for (var e : perService(value).entrySet()) knobs = knobs.withLatency(e.getKey(), duration(flag, e.getValue()));
        }
        case "--failure-rate" -> {
          for (var e : perService(value).entrySet()) knobs = knobs.withFailureRate(e.getKey(), rate(flag, e.getValue()));
        }
        case "--unknown-customers" -> unknown = Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    return new SimulatorOptions(host, port,
        new Knobs(defaultStock, stock, declineRate, knobs.latencyMillis(), knobs.failureRate(), unknown));
  }

  private static Map<String, String> perService(String value) {
    if (!value.contains("=")) {
      return Map.of("*", value);
    }
    return pairs("a per-service value", value);
  }

  private static Map<String, String> pairs(String flag, String value) {
    Map<String, String> pairs = new HashMap<>();
    for (String pair : value.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank()) throw new IllegalArgumentException(flag + " takes NAME=VALUE pairs, got '" + pair + "'");
      pairs.put(kv[0].strip(), kv[1].strip());
    }
    return pairs;
  }

  private static int integer(String flag, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number from " + min + " to " + max + ", got '" + value + "'");
    }
  }

  private static double rate(String flag, String value) {
    try {
      double r = Double.parseDouble(value);
      if (!(r >= 0 && r <= 1)) throw new NumberFormatException();
      return r;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number from 0 to 1, got '" + value + "'");
    }
  }

  private static Duration duration(String flag, String value) {
    try {
      if (value.endsWith("ms")) return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      if (value.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
      return Duration.ofMillis(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a duration such as 250ms or 2s, got '" + value + "'");
    }
  }
}
