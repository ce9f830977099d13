package dev.relaybox.bench.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Follows one Prometheus counter across a fleet whose nodes restart and die: every {@code period} it reads each node's
 * {@code /metrics} and sums the series of that name. A counter that went down belongs to a new process, so the old
 * process's last value is banked; what a killed node counted after its last scrape is the only part missed.
 */
public final class CounterScraper implements AutoCloseable {
  private final String metric;
  private final List<Integer> ports;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private final Map<Integer, Double> last = new HashMap<>();
  private double banked;
  private boolean seen;
  private final Thread thread;
  private volatile boolean running = true;

  public CounterScraper(String metric, List<Integer> ports, Duration period) {
    this.metric = metric;
    this.ports = List.copyOf(ports);
    this.thread = Thread.ofPlatform().daemon().name("scrape-" + metric).start(() -> {
      while (running) {
        scrape();
        try {
          Thread.sleep(period);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private synchronized void scrape() {
    for (int port : ports) {
      read(port).ifPresent(value -> {
        seen = true;
        double before = last.getOrDefault(port, 0.0);
        if (value < before) {
          banked += before;
        }
        last.put(port, value);
      });
    }
  }

  private Optional<Double> read(int port) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(1)).build();
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      boolean found = false;
      for (String line : body.split("\n")) {
        if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? Optional.of(sum) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The fleet's total so far, or empty when no node exposes the counter. */
  public synchronized Optional<Long> total() {
    scrape();
    if (!seen) {
      return Optional.empty();
    }
    return Optional.of(Math.round(banked + last.values().stream().mapToDouble(Double::doubleValue).sum()));
  }

  /** True when some node exports the counter (at least one series line). */
  public synchronized boolean exported() {
    return seen;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
