package dev.relaybox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A minimal service on Javalin, Jackson, HikariCP with pgjdbc and the JDK's HttpClient (no Jdbi), run in the jar's
 * place so the jar's figures can be read beside what a service doing far less costs on the same machine: {@link #DOES}
 * and nothing more ({@link #OMITS}). It is a reference, not a lower bound: its own choices (one commit per request, a
 * virtual thread per delivery, the JDK's HttpClient) are in its figures too.
 */
public final class MinimalService {
  static final int SENDS = 128;
  /** What it does per request, as the report and bench/README.md say it. */
  static final String DOES = "per request, Javalin on virtual threads (as the jar serves), the bearer key compared in "
      + "memory, Jackson reading the body, the request row and its outbox row inserted by one statement in one round trip "
      + "and one commit on HikariCP (20) + pgjdbc, `202` with the id; then on a virtual thread (at most " + SENDS
      + " at once, the bench's Slack concurrency for the jar) the Slack POST with the JDK's HttpClient set up as the jar's "
      + "Slack channel sets it up, and the delivered marks that queued meanwhile written by one UPDATE from one thread";
  /** What it leaves out of what the jar does, in one wording for the report and bench/README.md. */
  static final String OMITS = "it keeps none of the jar's promises (a crash, a failed send or a stop after the answer "
      + "loses the delivery and the row stays pending) and has no Jdbi, NOTIFY, relay, claim, lease, fencing, retry, rate "
      + "limit, idempotency, group commit of intake, read of the request before the send, validation past what Jackson "
      + "needs, topic routing, problem answers, request ids, HTTP limits or security headers, metrics or log line; its "
      + "Slack message is shorter (no header, fields or escaping); `BENCH_APP_ENV` is not passed to it";
  private static final String INTAKE = """
      WITH request AS (
        INSERT INTO assistance_request (id, topic, description, metadata, status, created_at, correlation_id)
        VALUES (?, ?, ?, CAST(? AS jsonb), 'pending', now(), 'minimal') RETURNING id, topic)
      INSERT INTO outbox_event (event_id, event_type, event_key, payload, headers, created_at)
      SELECT ?, 'assistance.requested', id::text, jsonb_build_object('requestId', id, 'topic', topic),
             '{"correlationId":"minimal"}'::jsonb, now()
      FROM request""";
  private static final String MARK_DELIVERED =
      "UPDATE assistance_request SET status = 'delivered', delivered_at = now() WHERE id = ANY(?)";

  record Intake(String topic, String description, JsonNode metadata) {}

  private final ObjectMapper json = new ObjectMapper();
  private final String bearer;
  private final HikariDataSource pool;
  private final URI slack;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .version(HttpClient.Version.HTTP_1_1)
      .executor(Runnable::run)
      .build();
  private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore sends = new Semaphore(SENDS, true);
  private final LinkedBlockingQueue<UUID> delivered = new LinkedBlockingQueue<>();

  private MinimalService(String apiKey, HikariDataSource pool, URI slack) {
    this.bearer = "Bearer " + apiKey;
    this.pool = pool;
    this.slack = slack;
  }

  public static void main(String[] args) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(System.getenv("DATABASE_URL"));
    hikari.setMaximumPoolSize(20); // the jar's default pool
    MinimalService service = new MinimalService(System.getenv("RELAYBOX_API_KEYS"), new HikariDataSource(hikari),
        URI.create(System.getenv("RELAYBOX_SLACK_WEBHOOK_URL")));
    Thread.ofPlatform().daemon().name("minimal-marks").start(service::writeMarks);
    Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.jetty.host = System.getenv("RELAYBOX_HTTP_HOST");
      config.jetty.port = Integer.parseInt(System.getenv("RELAYBOX_HTTP_PORT"));
      config.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
        @Override
        public void lifeCycleStarting(LifeCycle event) {
          for (var connector : server.getConnectors()) {
            if (connector instanceof ServerConnector listening) {
              listening.setAcceptQueueSize(1024); // the jar's listen queue: Java's 50 drops SYNs under a burst of connects
            }
          }
        }
      }));
      config.concurrency.useVirtualThreads = true;
      config.routes.get("/health/ready", ctx -> ctx.result("ready"));
      config.routes.post("/v1/assistance-requests", service::accept);
    }).start();
  }

  private void accept(Context ctx) throws IOException, SQLException {
    if (!bearer.equals(ctx.header("Authorization"))) {
      ctx.status(401);
      return;
    }
    Intake intake = json.readValue(ctx.bodyAsBytes(), Intake.class);
    UUID id = timeOrdered();
    try (Connection connection = pool.getConnection();
        PreparedStatement insert = connection.prepareStatement(INTAKE)) {
      insert.setObject(1, id);
      insert.setString(2, intake.topic());
      insert.setString(3, intake.description());
      insert.setString(4, intake.metadata() == null ? "{}" : json.writeValueAsString(intake.metadata()));
      insert.setObject(5, timeOrdered());
      insert.executeUpdate();
    }
    ctx.status(202).contentType("application/json")
        .result(json.writeValueAsBytes(Map.of("id", id.toString(), "status", "pending", "topic", intake.topic())));
    deliveries.execute(() -> deliver(id, intake));
  }

  private void deliver(UUID id, Intake intake) {
    sends.acquireUninterruptibly();
    try {
      byte[] message = json.writeValueAsBytes(Map.of("text", "Assistance request on " + intake.topic(),
          "blocks", List.of(Map.of("type", "section", "text", Map.of("type", "mrkdwn",
              "text", "*Request id*\n`" + id + "`\n" + intake.description())))));
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(slack).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofByteArray(message)).build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 200) {
        delivered.add(id);
      } else {
        System.err.println("minimal: Slack answered " + answer.statusCode() + " for " + id);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("minimal: delivery of " + id + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sends.release();
    }
  }

  /**
   * One UPDATE for every mark queued while the last one ran, as the jar's writers take whatever has queued. A batch that
   * fails goes back on the queue; anything worse stops the process, so the bench sees it at once instead of waiting for
   * rows that will never be marked.
   */
  private void writeMarks() {
    List<UUID> batch = new ArrayList<>();
    try {
      while (true) {
        batch.add(delivered.take());
        delivered.drainTo(batch, 999);
        try (Connection connection = pool.getConnection();
            PreparedStatement mark = connection.prepareStatement(MARK_DELIVERED)) {
          mark.setArray(1, connection.createArrayOf("uuid", batch.toArray()));
          mark.executeUpdate();
        } catch (SQLException | RuntimeException e) {
          System.err.println("minimal: " + batch.size() + " delivered marks not written, trying again: " + e);
          delivered.addAll(batch);
          Thread.sleep(100);
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      e.printStackTrace();
      Runtime.getRuntime().halt(1);
    }
  }

  /** The jar's id layout (48 bits of milliseconds first), so both services insert at the right edge of the key. */
  private static UUID timeOrdered() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }
}
