package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.adapters.http.shared.RouteInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Metrics, correlation, API docs and readiness through the real wiring: a fake Slack as the only channel, one send
 * per channel so a Slack 500 makes the request fail and its job dead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperabilityEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SUBSCRIPTION = "assistance.delivery";
  private static FakeSlack slack;
  private static Relaybox relaybox;
  private static TestApi api;
  private static TestApi admin;
  private static TestApi anonymous;
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  static void start() throws IOException {
    slack = new FakeSlack();
    Map<String, String> env = TestConfigs.freshDatabase();
    env.putAll(Map.of(
        "RELAYBOX_SLACK_WEBHOOK_URL", slack.url(),
        "RELAYBOX_SLACK_MAX_PER_SECOND", "1000",
        "RELAYBOX_ROUTES", "sales=slack",
        "RELAYBOX_CHANNEL_MAX_ATTEMPTS", "1",
        "RELAYBOX_POLL_INTERVAL", "200ms",
        "RELAYBOX_METRICS_REFRESH", "200ms"));
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = new TestApi(relaybox.httpPort(), TestConfigs.ADMIN_KEY);
    anonymous = new TestApi(relaybox.httpPort(), null);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    relaybox.close();
    slack.close();
  }

  @Test
  @Order(1)
  void metricsShowTheEngineHttpChannelsJvmAndPool() {
    String marker = TestApi.marker();
    List<String> ok = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ok.add(accepted("sales", "fine " + i + " " + marker, Map.of()));
    }
    slack.alwaysAnswer(marker + "-down", FakeSlack.Answer.status(500, "down"));
    String failing = accepted("sales", "doomed " + marker + "-down", Map.of());
    ok.forEach(id -> api.awaitAssistanceStatus(id, "delivered", WAIT));
    api.awaitAssistanceStatus(failing, "failed", WAIT);
    slack.clear(marker + "-down");
    assertEquals(200, api.get("/v1/assistance-requests/" + ok.getFirst()).statusCode());

    Map<String, Double>[] metrics = new Map[1];
    // The done jobs are counted when their completion batch is written, which may come a batch window after the
    // dead one: the gauges are awaited for both before anything is asserted.
    Await.until("the dead job and the done ones in the gauges", WAIT, () -> {
      metrics[0] = scrape();
      return value(metrics[0], "relaybox_jobs", "state", "dead", "subscription", SUBSCRIPTION) >= 1
          && value(metrics[0], "relaybox_jobs", "state", "done", "subscription", SUBSCRIPTION) >= 4;
    });
    Map<String, Double> m = metrics[0];
    String sub = SUBSCRIPTION;
    assertTrue(value(m, "relaybox_jobs_claimed_total", "subscription", sub) >= 5, () -> dump(m, "relaybox_jobs"));
    assertTrue(value(m, "relaybox_jobs_completed_total", "subscription", sub) >= 4, () -> dump(m, "relaybox_jobs"));
    assertTrue(value(m, "relaybox_jobs_dead_total", "subscription", sub) >= 1, () -> dump(m, "relaybox_jobs"));
    assertTrue(value(m, "relaybox_jobs_retried_total", "subscription", sub) >= 0);
    assertTrue(value(m, "relaybox_jobs", "state", "done", "subscription", sub) >= 4, () -> dump(m, "relaybox_jobs"));
    assertEquals(0, value(m, "relaybox_jobs", "state", "running", "subscription", sub) % 1);
    double lag = value(m, "relaybox_job_lag_seconds", "subscription", sub);
    assertTrue(lag >= 0 && lag < 60, "lag " + lag);
    assertTrue(value(m, "relaybox_job_handler_duration_seconds_count", "outcome", "done", "subscription", sub) >= 4,
        () -> dump(m, "relaybox_job_handler"));
    assertTrue(value(m, "relaybox_job_handler_duration_seconds_count", "outcome", "fail", "subscription", sub) >= 1,
        () -> dump(m, "relaybox_job_handler"));
    assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("relaybox_job_handler_duration_seconds_bucket{")),
        "handler durations are a histogram");

    assertTrue(value(m, "http_server_requests_seconds_count", "method", "POST", "route", "/v1/assistance-requests", "status", "202") >= 5,
        () -> dump(m, "http_server_requests_seconds_count"));
    assertTrue(value(m, "http_server_requests_seconds_count", "method", "GET", "route", "/v1/assistance-requests/{id}", "status", "200") >= 1,
        () -> dump(m, "http_server_requests_seconds_count"));
    assertFalse(m.keySet().stream().anyMatch(k -> k.startsWith("http_server_requests") && k.contains(ok.getFirst())),
        "routes are patterns, never raw paths");

    assertTrue(value(m, "relaybox_channel_sends_total", "channel", "slack", "result", "done") >= 4, () -> dump(m, "relaybox_channel"));
    assertTrue(value(m, "relaybox_channel_sends_total", "channel", "slack", "result", "retry") >= 1, () -> dump(m, "relaybox_channel"));
    assertEquals(1.0, value(m, "relaybox_channel_circuit_state", "channel", "slack", "state", "closed"));
    assertEquals(0.0, value(m, "relaybox_channel_circuit_state", "channel", "slack", "state", "open"));

    assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("hikaricp_connections_max{")), () -> dump(m, "hikari"));
    assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), "JVM meters");
    assertTrue(value(m, "relaybox_job_stats_age_seconds") < 10);
  }

  @Test
  @Order(2)
  void aRequestIdAndTraceparentFollowTheRequestIntoTheJobItsLogsAndSlack() throws Exception {
    String marker = TestApi.marker();
    String requestId = "req-" + marker;
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String id = accepted("sales", "traced " + marker,
        Map.of("X-Request-Id", requestId, "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
    api.awaitAssistanceStatus(id, "delivered", WAIT);

    String sent = slack.receivedContaining(marker).getFirst().traceparent();
    assertTrue(sent.startsWith("00-" + traceId + "-"), "Slack got the trace: " + sent);
    assertFalse(sent.contains("00f067aa0ba902b7"), "as a new span: " + sent);

    JsonNode lookup = TestApi.json(admin.get("/admin/lookup/" + id));
    JsonNode headers = lookup.get("jobs").get(0).get("headers");
    assertEquals(requestId, headers.get("correlationId").asText(), lookup.toString());
    assertTrue(headers.get("traceparent").asText().contains(traceId), lookup.toString());
    assertEquals("delivered", lookup.get("record").get("status").asText());

    Await.until("the delivery logged with the request id", WAIT, () -> logsOf(requestId).stream()
        .anyMatch(e -> e.getFormattedMessage().contains("delivered by slack")));
    List<ILoggingEvent> lines = logsOf(requestId);
    assertTrue(lines.stream().allMatch(e -> traceId.equals(e.getMDCPropertyMap().get("traceId"))),
        "every line of the request carries its trace id");
    assertTrue(lines.stream().anyMatch(e -> e.getMDCPropertyMap().containsKey("jobId")), "job lines carry the request id");
  }

  @Test
  @Order(3)
  void everyRegisteredRouteIsInTheOpenApiDocument() {
    HttpResponse<String> response = anonymous.get("/openapi.json");
    assertEquals(200, response.statusCode());
    JsonNode doc = TestApi.json(response);
    assertEquals("3.1.0", doc.get("openapi").asText());
    assertTrue(doc.at("/components/securitySchemes/adminKey").isObject());
    assertTrue(doc.at("/components/schemas/Problem").isObject());
    List<String> missing = new ArrayList<>();
    List<RouteInfo> routes = relaybox.httpRoutes();
    assertTrue(routes.size() >= 20, routes.toString());
    for (RouteInfo route : routes) {
      JsonNode operation = doc.path("paths").path(route.path()).path(route.method().toLowerCase(Locale.ROOT));
      if (!operation.isObject()) {
        missing.add(route.method() + " " + route.path());
      } else if (!operation.has("responses")) {
        missing.add(route.method() + " " + route.path() + " (no responses)");
      }
    }
    assertEquals(List.of(), missing, "routes missing from /openapi.json");
    TreeSet<String> documented = new TreeSet<>();
    doc.get("paths").fieldNames().forEachRemaining(documented::add);
    routes.forEach(r -> documented.remove(r.path()));
    assertEquals(new TreeSet<>(), documented, "documented paths that no route serves");

    HttpResponse<String> page = anonymous.get("/docs");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("/docs/swagger-ui-bundle.js"));
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
    HttpResponse<String> bundle = anonymous.get("/docs/swagger-ui-bundle.js");
    assertEquals(200, bundle.statusCode());
    assertTrue(bundle.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    assertEquals(404, anonymous.get("/docs/..%2Fopenapi.json").statusCode());
    assertEquals(401, anonymous.get("/admin/stats").statusCode(), "the dashboard's exemption covers only /admin/ui");
    assertEquals(200, anonymous.get("/admin/ui").statusCode());
  }

  @Test
  @Order(4)
  void anOpenCircuitShowsAsDegradedToTheAdminKeyWithoutFailingReadiness() {
    assertTrue(TestApi.json(anonymous.get("/health/ready")).get("checks").isNull(), "a probe without the key sees no details");
    JsonNode healthy = TestApi.json(admin.get("/health/ready"));
    assertEquals("closed", healthy.at("/checks/channels/slack").asText(), healthy.toString());
    assertEquals(0, healthy.get("degraded").size());

    String marker = TestApi.marker();
    slack.alwaysAnswer(marker, FakeSlack.Answer.status(500, "down"));
    for (int i = 0; i < 6; i++) {
      accepted("sales", "outage " + i + " " + marker, Map.of());
    }
    JsonNode[] last = new JsonNode[1];
    Await.until("slack's circuit to open", WAIT, () -> {
      HttpResponse<String> r = admin.get("/health/ready");
      assertEquals(200, r.statusCode(), r.body());
      last[0] = TestApi.json(r);
      return "open".equals(last[0].at("/checks/channels/slack").asText());
    }, () -> String.valueOf(last[0]));
    assertEquals("ready", last[0].get("status").asText());
    assertEquals("slack", last[0].get("degraded").get(0).asText());
    assertEquals(1.0, value(scrape(), "relaybox_channel_circuit_state", "channel", "slack", "state", "open"));
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private static List<ILoggingEvent> logsOf(String requestId) {
    return logs.list.stream().filter(e -> requestId.equals(e.getMDCPropertyMap().get("httpRequestId"))).toList();
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*})?\\s+(\\S+)");

  /** Every sample of the scrape, keyed by name and its labels sorted by name. */
  static Map<String, Double> scrape() {
    HttpResponse<String> response = anonymous.get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      Matcher m = SAMPLE.matcher(line);
      if (m.find()) {
        samples.put(m.group(1) + normalise(m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return samples;
  }

  private static String normalise(String labels) {
    if (labels == null || labels.equals("{}")) return "";
    TreeSet<String> sorted = new TreeSet<>();
    Matcher m = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(labels);
    while (m.find()) sorted.add(m.group(1) + "=\"" + m.group(2) + "\"");
    return "{" + String.join(",", sorted) + "}";
  }

  /** The sample with exactly these labels (name, value pairs); fails when it is missing. */
  static double value(Map<String, Double> samples, String name, String... labels) {
    TreeSet<String> sorted = new TreeSet<>();
    for (int i = 0; i < labels.length; i += 2) sorted.add(labels[i] + "=\"" + labels[i + 1] + "\"");
    String key = name + (sorted.isEmpty() ? "" : "{" + String.join(",", sorted) + "}");
    Double v = samples.get(key);
    if (v == null) throw new AssertionError("no sample " + key + "; have: " + dump(samples, name));
    return v;
  }

  private static String dump(Map<String, Double> samples, String prefix) {
    return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(e -> e.getKey() + " " + e.getValue())
        .sorted().reduce("", (a, b) -> a + "\n" + b);
  }

  private static String accepted(String topic, String description, Map<String, String> headers) {
    ObjectNode body = TestApi.JSON.createObjectNode().put("topic", topic).put("description", description);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relaybox.httpPort() + "/v1/assistance-requests"))
        .header("Authorization", "Bearer " + TestConfigs.API_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    headers.forEach(request::header);
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(202, response.statusCode(), response.body());
      String id = TestApi.json(response).get("id").asText();
      assertNotEquals("", id);
      return id;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }


}
