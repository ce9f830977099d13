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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The floor the jar's targets are read against: the least work any service built from Relaybox's libraries must do
 * for one assistance request, run as its own process in the jar's place, with the jar's settings names and the same
 * bench around it. Per request: Javalin on virtual threads (as the jar serves), the bearer key compared in memory, the
 * body read by Jackson, the request row and its outbox row inserted in one transaction on a HikariCP pool of pgjdbc
 * connections (the rows and statements of the pgbench ceiling), {@code 202} with the id; then, on a virtual thread,
 * the Slack message posted with the JDK's HttpClient configured as the jar's Slack channel configures it, and the row
 * marked delivered in one more statement.
 *
 * <p>What it leaves out is what Relaybox is for: nothing survives a crash between the answer and the send (the
 * delivery lives only in this process), there is no relay, claim, lease, fencing, retry, rate limit, idempotency,
 * validation beyond what Jackson needs, problem answers, metrics or log line. Each request commits alone, so it has no
 * group commit either. Whatever CPU per request and answers per second it reaches on this machine bound what a
 * service that also keeps those promises can reach here with the same libraries.
 */
public final class FloorService {
  private static final String INSERT_REQUEST = """
      INSERT INTO assistance_request (id, topic, description, metadata, status, created_at, correlation_id)
      VALUES (?, ?, ?, CAST(? AS jsonb), 'pending', now(), ?)""";
  private static final String INSERT_EVENT = """
      INSERT INTO outbox_event (event_id, event_type, event_key, payload, headers, created_at)
      VALUES (?, 'assistance.requested', ?, CAST(? AS jsonb), CAST(? AS jsonb), now())""";
  private static final String MARK_DELIVERED = "UPDATE assistance_request SET status = 'delivered', delivered_at = now() WHERE id = ?";

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

  private FloorService(String apiKey, HikariDataSource pool, URI slack) {
    this.bearer = "Bearer " + apiKey;
    this.pool = pool;
    this.slack = slack;
  }

  public static void main(String[] args) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(System.getenv("DATABASE_URL"));
    hikari.setMaximumPoolSize(20); // the jar's default pool
    FloorService floor = new FloorService(System.getenv("RELAYBOX_API_KEYS"), new HikariDataSource(hikari),
        URI.create(System.getenv("RELAYBOX_SLACK_WEBHOOK_URL")));
    Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.jetty.host = System.getenv("RELAYBOX_HTTP_HOST");
      config.jetty.port = Integer.parseInt(System.getenv("RELAYBOX_HTTP_PORT"));
      config.concurrency.useVirtualThreads = true;
      config.routes.get("/health/ready", ctx -> ctx.result("ready"));
      config.routes.post("/v1/assistance-requests", floor::accept);
    }).start();
  }

  private void accept(Context ctx) throws IOException, SQLException {
    if (!bearer.equals(ctx.header("Authorization"))) {
      ctx.status(401);
      return;
    }
    Intake intake = json.readValue(ctx.bodyAsBytes(), Intake.class);
    UUID id = timeOrdered();
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement request = connection.prepareStatement(INSERT_REQUEST);
          PreparedStatement event = connection.prepareStatement(INSERT_EVENT)) {
        request.setObject(1, id);
        request.setString(2, intake.topic());
        request.setString(3, intake.description());
        request.setString(4, json.writeValueAsString(intake.metadata()));
        request.setString(5, "floor");
        request.executeUpdate();
        event.setObject(1, timeOrdered());
        event.setString(2, id.toString());
        event.setString(3, json.writeValueAsString(Map.of("requestId", id.toString(), "topic", intake.topic())));
        event.setString(4, json.writeValueAsString(Map.of("correlationId", "floor")));
        event.executeUpdate();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    ctx.status(202).contentType("application/json")
        .result(json.writeValueAsBytes(Map.of("id", id.toString(), "status", "pending", "topic", intake.topic())));
    deliveries.execute(() -> deliver(id, intake));
  }

  private void deliver(UUID id, Intake intake) {
    try {
      byte[] message = json.writeValueAsBytes(Map.of("text", "Assistance request on " + intake.topic(),
          "blocks", List.of(Map.of("type", "section", "text", Map.of("type", "mrkdwn",
              "text", "*Request id*\n`" + id + "`\n" + intake.description())))));
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(slack).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofByteArray(message)).build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        System.err.println("floor: Slack answered " + answer.statusCode() + " for " + id);
        return;
      }
      try (Connection connection = pool.getConnection();
          PreparedStatement delivered = connection.prepareStatement(MARK_DELIVERED)) {
        delivered.setObject(1, id);
        delivered.executeUpdate();
      }
    } catch (IOException | SQLException | RuntimeException e) {
      System.err.println("floor: delivery of " + id + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
