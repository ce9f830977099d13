package dev.relaybox.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load through the load balancer: requests go out on a fixed schedule, each on its own virtual thread,
 * so a slow answer never delays the next send (a closed loop would quietly lower the rate while a node restarts).
 * Every POST carries a unique {@code Idempotency-Key}, as a well-behaved client's would, so the balancer may replay
 * it on another node. A share of the requests are Google Play purchases ({@code purchaseShare}); the rest are
 * assistance requests for Slack. The client itself never retries: what it counts as failed is what a caller saw.
 */
public final class OpenLoad implements AutoCloseable {
  public enum Flow { ASSISTANCE, PURCHASE }

  /** One accepted request: the resource id, and for purchases the store token (to count acknowledgements). */
  public record Accepted(Flow flow, String id, String token, long acceptedAtNanos) {}

  private final String baseUrl;
  private final String apiKey;
  private final double purchaseShare;
  private final String runId;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  private final ObjectMapper json = new ObjectMapper();
  private final ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicLong> failuresByCause = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean stopping;
  private Thread scheduler;
  private ExecutorService senders;

  public OpenLoad(String baseUrl, String apiKey, double purchaseShare, String runId) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.purchaseShare = purchaseShare;
    this.runId = runId;
  }

  /** Starts sending {@code rate} requests per second until {@link #stop()} or {@code duration} has passed. */
  public OpenLoad start(int rate, Duration duration) {
    senders = Executors.newVirtualThreadPerTaskExecutor();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long total = duration.toNanos() / interval;
    scheduler = Thread.ofPlatform().name("open-load").daemon().start(() -> {
      long begin = System.nanoTime();
      for (long i = 0; i < total && !stopping; i++) {
        long due = begin + i * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        long seq = i;
        senders.execute(() -> send(seq));
      }
    });
    return this;
  }

  /** Waits until the schedule has run out and every request sent has its answer. */
  public void awaitEnd() throws InterruptedException {
    scheduler.join();
    senders.shutdown();
    senders.awaitTermination(2, TimeUnit.MINUTES);
  }

  /** Stops sending new requests and waits for the answers of those in flight. */
  public void stop() throws InterruptedException {
    stopping = true;
    awaitEnd();
  }

  private void send(long seq) {
    boolean purchase = seq % 20 < Math.round(purchaseShare * 20);
    sent.incrementAndGet();
    String key = runId + "-" + seq;
    try {
      HttpRequest request;
      String token = null;
      if (purchase) {
        token = "fleet-" + key;
        // Twenty users, so FIFO per user orders many deliveries behind each other. Not seq % 20: purchases are the
        // requests whose seq % 20 is below the share, so that gave every purchase to one of the first few users.
        request = post("/v1/purchases/google", Map.of("packageName", "dev.relaybox.fleet", "productId", "coins.100",
            "purchaseToken", token, "type", "product", "userId", "fleet-user-" + (seq / 20 % 20)), key);
      } else {
        request = post("/v1/assistance-requests", Map.of("topic", "sales",
            "description", "Fleet load " + key + ": a customer wants a quote", "metadata", Map.of("run", runId)), key);
      }
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status == 202 || status == 200) {
        String id = json.readTree(response.body()).path("id").asText();
        accepted.add(new Accepted(purchase ? Flow.PURCHASE : Flow.ASSISTANCE, id, token, System.nanoTime()));
      } else {
        fail((purchase ? "purchase " : "assistance ") + "HTTP " + status);
      }
    } catch (IOException e) {
      fail((purchase ? "purchase " : "assistance ") + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpRequest post(String path, Map<String, ?> body, String idempotencyKey) throws IOException {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
        .build();
  }

  private void fail(String cause) {
    failed.incrementAndGet();
    failuresByCause.computeIfAbsent(cause, c -> new AtomicLong()).incrementAndGet();
  }

  public List<Accepted> accepted() {
    return new ArrayList<>(accepted);
  }

  public List<Accepted> accepted(Flow flow) {
    return accepted.stream().filter(a -> a.flow() == flow).toList();
  }

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Failed requests by what the client saw ("assistance HTTP 503", "purchase ConnectException"). */
  public Map<String, Long> failuresByCause() {
    Map<String, Long> out = new java.util.TreeMap<>();
    failuresByCause.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    if (scheduler != null && scheduler.isAlive()) {
      stop();
    }
  }
}
