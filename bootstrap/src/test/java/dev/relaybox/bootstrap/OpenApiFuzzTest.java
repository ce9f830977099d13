package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generative walk over every operation of the served {@code /openapi.json}: bodies built from each operation's
 * schema, then mutated (wrong types, NUL, lone surrogates, huge numbers, dates PostgreSQL cannot store, deep nesting,
 * missing or extra fields, not JSON at all), with valid and invalid parameters, keys and content types. Every answer
 * must be below 500 (503 only as a documented problem), every error problem+json, no 4xx may store anything, and
 * the heap must stay bounded. Fixed seed ({@code -Drelaybox.fuzz.seed}); about 40 s
 * ({@code -Drelaybox.fuzz.seconds=600} for a long run).
 */
class OpenApiFuzzTest {
  private static final long SEED = Long.getLong("relaybox.fuzz.seed", 20261202L);
  private static final long SECONDS = Long.getLong("relaybox.fuzz.seconds", 40L);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String COUNTS = """
      SELECT (SELECT count(*) FROM assistance_request) + (SELECT count(*) FROM idempotency_key)
           + (SELECT count(*) FROM outbox_event) + (SELECT count(*) FROM api_key)
           + (SELECT count(*) FROM store_notification) + (SELECT count(*) FROM purchase)""";
  private static final List<String> HOSTILE_TEXT = List.of("", " ", "a\u0000b", "\ud800", "x\udfff", "\u202e\u0007", "%00",
      "../../etc/passwd", "' OR 1=1 --", "<script>alert(1)</script>", "🙂".repeat(50), "x".repeat(5_000),
      "+294277-01-01T00:00:00Z", "-4714-11-24T00:00:00Z", "9999-12-31T23:59:59Z", "2026-13-45T99:00:00Z", "null", "{}");

  private static FakeSlack slack;
  private static Relaybox relaybox;
  private static String databaseUrl;
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    slack = new FakeSlack();
    Map<String, String> env = TestConfigs.freshDatabase();
    databaseUrl = env.get("DATABASE_URL");
    env.put("RELAYBOX_SLACK_WEBHOOK_URL", slack.url());
    env.put("RELAYBOX_ROUTES", "sales=slack;pricing=slack");
    env.put("RELAYBOX_AUTH_FAILURES_PER_MINUTE", "1000000");
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) {
      relaybox.close();
    }
    slack.close();
  }

  record Operation(String method, String path, JsonNode spec) {}

  @Test
  void noOperationAnswers5xxOrStoresAnythingOnA4xxWhateverItIsSent() throws Exception {
    JsonNode document = JSON.readTree(send("GET", "/openapi.json", null, null, null).body());
    List<Operation> operations = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
      var path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
        var method = methods.next();
        if (List.of("get", "post", "put", "patch", "delete").contains(method.getKey())) {
          operations.add(new Operation(method.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), method.getValue()));
        }
      }
    }
    assertTrue(operations.size() > 10, "the document lists the operations");
    SplittableRandom random = new SplittableRandom(SEED);
    long heapBefore = usedHeapAfterGc();
    long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
    int sent = 0;
    List<String> failures = new ArrayList<>();
    while (System.nanoTime() < deadline && failures.size() < 5) {
      Operation op = operations.get(random.nextInt(operations.size()));
      String path = path(op, random);
      String query = query(document, op, random);
      String body = body(document, op, random);
      String contentType = random.nextInt(10) == 0 ? pick(random, List.of("text/plain", "application/xml", "application/json; charset=latin1", "")) : "application/json";
      String key = key(op, random);
      long rowsBefore = rows();
      HttpResponse<String> response;
      try {
        response = send(op.method(), path + query, body, contentType, key);
      } catch (IllegalArgumentException e) {
        continue; // a URI the client itself refuses to send
      }
      sent++;
      int status = response.statusCode();
      String type = response.headers().firstValue("Content-Type").orElse("");
      String what = op.method() + " " + path + query + " key=" + (key == null ? "none" : key.substring(0, Math.min(8, key.length())))
          + " body=" + abbreviate(body) + " -> " + status + " " + abbreviate(response.body());
      boolean documented503 = status == 503 && (response.body().contains("store-not-configured") || response.body().contains("not-configured")
          || response.body().contains("overloaded") || response.body().contains("not-ready"));
      if (status >= 500 && !documented503) {
        failures.add("5xx: " + what);
      }
      if (status >= 400 && !type.startsWith("application/problem+json")) {
        failures.add("not problem+json: " + what);
      }
      if (status >= 400 && status < 500 && rows() != rowsBefore) {
        failures.add("stored on " + status + ": " + what);
      }
    }
    long heapGrowth = usedHeapAfterGc() - heapBefore;
    assertTrue(failures.isEmpty(), "seed " + SEED + ", " + sent + " requests:\n" + String.join("\n", failures));
    assertTrue(sent > 50, "only " + sent + " requests were sent");
    assertTrue(heapGrowth < 128L * 1024 * 1024, "heap grew by " + heapGrowth / (1024 * 1024) + " MB over " + sent + " requests");
  }

  private static String path(Operation op, SplittableRandom random) {
    String path = op.path();
    while (path.contains("{")) {
      int start = path.indexOf('{');
      int end = path.indexOf('}', start);
      String value = switch (random.nextInt(6)) {
        case 0 -> java.util.UUID.randomUUID().toString();
        case 1 -> Long.toString(random.nextLong(1, 1_000));
        case 2 -> "assistance.delivery";
        case 3 -> "backend";
        default -> URLEncoder.encode(pick(random, HOSTILE_TEXT), StandardCharsets.UTF_8);
      };
      path = path.substring(0, start) + (value.isEmpty() ? "x" : value) + path.substring(end + 1);
    }
    return path;
  }

  private static String query(JsonNode document, Operation op, SplittableRandom random) {
    StringBuilder query = new StringBuilder();
    for (JsonNode parameter : op.spec().path("parameters")) {
      JsonNode resolved = parameter.has("$ref") ? document.at(parameter.path("$ref").asText().replace("#/", "/")) : parameter;
      if (!"query".equals(resolved.path("in").asText()) || random.nextBoolean()) {
        continue;
      }
      JsonNode generated = valueFor(resolved.path("schema"), document, random, 0);
      String value = random.nextBoolean() ? (generated.isValueNode() ? generated.asText() : generated.toString())
          : pick(random, HOSTILE_TEXT);
      query.append(query.isEmpty() ? "?" : "&").append(resolved.path("name").asText()).append('=')
          .append(URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8));
    }
    if (random.nextInt(8) == 0) {
      query.append(query.isEmpty() ? "?" : "&").append("limit=").append(pick(random, List.of("-1", "0", "99999999999", "abc", "%00")));
    }
    return query.toString();
  }

  private static String body(JsonNode document, Operation op, SplittableRandom random) throws Exception {
    JsonNode schema = op.spec().path("requestBody").path("content").path("application/json").path("schema");
    if (schema.isMissingNode() && random.nextInt(4) != 0) {
      return null;
    }
    return switch (random.nextInt(12)) {
      case 0 -> "{\"a\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}";
      case 1 -> "not json at all \u0000";
      case 2 -> "";
      case 3 -> "[1,2,3]";
      default -> {
        JsonNode value = valueFor(schema, document, random, 0);
        yield JSON.writeValueAsString(random.nextInt(3) == 0 ? value : mutate(value, random));
      }
    };
  }

  private static JsonNode valueFor(JsonNode schema, JsonNode document, SplittableRandom random, int depth) {
    if (schema.has("$ref") && document != null) {
      String ref = schema.path("$ref").asText().replace("#/", "/");
      return valueFor(document.at(ref), document, random, depth + 1);
    }
    if (depth > 6) {
      return NODES.nullNode();
    }
    if (schema.has("enum")) {
      return schema.path("enum").get(random.nextInt(schema.path("enum").size()));
    }
    for (String alternatives : List.of("oneOf", "anyOf")) {
      if (schema.has(alternatives)) {
        return valueFor(schema.path(alternatives).get(random.nextInt(schema.path(alternatives).size())), document, random, depth + 1);
      }
    }
    String type = schema.path("type").isArray() ? schema.path("type").get(0).asText() : schema.path("type").asText("object");
    return switch (type) {
      case "string" -> switch (schema.path("format").asText()) {
        case "date-time" -> NODES.textNode(java.time.Instant.now().minusSeconds(random.nextInt(100_000)).toString());
        case "uuid" -> NODES.textNode(java.util.UUID.randomUUID().toString());
        default -> NODES.textNode(random.nextBoolean() ? "sales" : "text " + random.nextInt(1_000));
      };
      case "integer" -> NODES.numberNode(random.nextInt(0, 100));
      case "number" -> NODES.numberNode(random.nextDouble() * 100);
      case "boolean" -> NODES.booleanNode(random.nextBoolean());
      case "array" -> {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(3); i > 0; i--) {
          array.add(valueFor(schema.path("items"), document, random, depth + 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
          var property = properties.next();
          object.set(property.getKey(), valueFor(property.getValue(), document, random, depth + 1));
        }
        yield object;
      }
    };
  }

  private static JsonNode mutate(JsonNode value, SplittableRandom random) {
    if (!value.isObject() || value.isEmpty()) {
      return NODES.objectNode().set("unexpected", NODES.textNode(pick(random, HOSTILE_TEXT)));
    }
    ObjectNode copy = value.deepCopy();
    List<String> names = new ArrayList<>();
    copy.fieldNames().forEachRemaining(names::add);
    String field = names.get(random.nextInt(names.size()));
    switch (random.nextInt(8)) {
      case 0 -> copy.remove(field);
      case 1 -> copy.put(field, 123456789012345678L);
      case 2 -> copy.set(field, NODES.numberNode(new java.math.BigInteger("9".repeat(40))));
      case 3 -> copy.put(field, Double.MAX_VALUE);
      case 4 -> copy.set(field, NODES.arrayNode().add(pick(random, HOSTILE_TEXT)));
      case 5 -> copy.set(field, NODES.objectNode().put("\u0000", pick(random, HOSTILE_TEXT)));
      case 6 -> copy.put(field, true);
      default -> copy.put(field, pick(random, HOSTILE_TEXT));
    }
    return copy;
  }

  private static String key(Operation op, SplittableRandom random) {
    boolean admin = op.path().startsWith("/admin");
    return switch (random.nextInt(10)) {
      case 0 -> null;
      case 1 -> "rbx_wrong_" + random.nextInt(1_000_000);
      case 2 -> admin ? TestConfigs.API_KEY : TestConfigs.ADMIN_KEY;
      default -> admin ? TestConfigs.ADMIN_KEY : TestConfigs.API_KEY;
    };
  }

  private static HttpResponse<String> send(String method, String pathAndQuery, String body, String contentType, String key)
      throws Exception {
    var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relaybox.httpPort() + pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null && !contentType.isEmpty() && body != null) {
      builder.header("Content-Type", contentType);
    }
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long rows() throws Exception {
    try (Connection c = DriverManager.getConnection(databaseUrl); ResultSet rs = c.createStatement().executeQuery(COUNTS)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static <T> T pick(SplittableRandom random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
