package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 12 against the real wiring: bounded metrics, key management and limits, input PostgreSQL cannot store. */
class AbuseEndToEndTest {
  private static Map<String, String> env;
  private static Relaybox relaybox;
  private static TestApi api;
  private static TestApi admin;
  private static TestApi anonymous;
  private static FakeSlack slack;

  @BeforeAll
  static void start() throws Exception {
    slack = new FakeSlack();
    env = TestConfigs.freshDatabase();
    env.put("RELAYBOX_SLACK_WEBHOOK_URL", slack.url());
    env.put("RELAYBOX_ROUTES", "sales=slack;pricing=slack");
    env.put("RELAYBOX_KEY_REFRESH", "200ms");
    env.put("RELAYBOX_AUTH_FAILURES_PER_MINUTE", "100000");
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = new TestApi(relaybox.httpPort(), TestConfigs.ADMIN_KEY);
    anonymous = new TestApi(relaybox.httpPort(), null);
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) {
      relaybox.close();
    }
    slack.close();
  }

  @Test
  void tenThousandMadeUpMethodsAndPathsLeaveMetricsSmall() throws Exception {
    int before = anonymous.get("/metrics").body().length();
    int sent = 0;
    for (int batch = 0; batch < 20; batch++) {
      StringBuilder pipeline = new StringBuilder();
      for (int i = 0; i < 500; i++, sent++) {
        String path = i % 2 == 0 ? "/health/live" : "/nowhere/" + sent;
        pipeline.append("M").append(String.format("%06d", sent)).append(' ').append(path).append(" HTTP/1.1\r\nHost: x\r\n")
            .append(i == 499 ? "Connection: close\r\n" : "").append("\r\n");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", relaybox.httpPort()), 5_000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[65_536];
        while (in.read(buffer) >= 0) {
          // drain every answer until the server closes
        }
      }
    }
    assertEquals(10_000, sent);
    String metrics = anonymous.get("/metrics").body();
    assertFalse(metrics.contains("M000"), "a made-up method became a label");
    assertFalse(metrics.contains("/nowhere/"), "a raw path became a label");
    assertTrue(metrics.contains("method=\"OTHER\""), "made-up methods share one label");
    assertTrue(metrics.length() - before < 40_000, "metrics grew by " + (metrics.length() - before) + " characters");
  }

  @Test
  void anAdminCreatesAKeyThatWorksAtOnceIsListedWithItsLastUseAndStopsWhenDeleted() throws Exception {
    var created = admin.post("/admin/keys", "{\"scope\":\"api\",\"name\":\"billing bot\"}");
    assertEquals(201, created.statusCode(), created.body());
    JsonNode body = TestApi.json(created);
    String key = body.path("key").asText();
    String id = body.path("id").asText();
    assertTrue(key.startsWith("rbx_"), created.body());
    TestApi bot = api.withKey(key);
    assertEquals(200, bot.get("/v1/assistance-requests?limit=1").statusCode());
    assertEquals(401, admin.withKey(key).get("/admin/keys").statusCode(), "an api key is not an admin key");

    Await.until("the key's last use is listed", Duration.ofSeconds(60), () -> {
      JsonNode listed = find(TestApi.json(admin.get("/admin/keys")), id);
      return listed != null && listed.hasNonNull("lastUsedAt");
    }, () -> admin.get("/admin/keys").body());
    JsonNode listed = find(TestApi.json(admin.get("/admin/keys")), id);
    assertEquals("billing bot", listed.path("name").asText());
    assertEquals("api", listed.path("scope").asText());
    assertFalse(admin.get("/admin/keys").body().contains(key), "the key is shown only once");

    assertEquals(204, delete("/admin/keys/" + id).statusCode());
    assertEquals(401, bot.get("/v1/assistance-requests?limit=1").statusCode());
    assertEquals(404, delete("/admin/keys/" + id).statusCode());
    assertEquals(422, admin.post("/admin/keys", "{\"scope\":\"root\",\"name\":\"x\"}").statusCode());
    assertEquals(422, admin.post("/admin/keys", "{\"scope\":\"api\",\"name\":\"  \"}").statusCode());
    assertEquals(200, api.get("/v1/assistance-requests?limit=1").statusCode(), "keys from the environment keep working");
  }

  @Test
  void aKeyCreatedOrDeletedOnOneNodeWorksOrStopsOnTheOtherWithoutWaitingForItsRefresh() throws Exception {
    Map<String, String> env = new HashMap<>(TestConfigs.freshDatabase());
    env.put("RELAYBOX_KEY_REFRESH", "10m"); // far beyond the waits below: only the announcement can reach the other node
    Map<String, String> envA = new HashMap<>(env);
    envA.put("RELAYBOX_NODE_ID", "keys-node-a");
    Map<String, String> envB = new HashMap<>(env);
    envB.put("RELAYBOX_NODE_ID", "keys-node-b");
    try (Relaybox a = Relaybox.start(RelayboxConfig.from(envA), Clock.systemUTC());
        Relaybox b = Relaybox.start(RelayboxConfig.from(envB), Clock.systemUTC())) {
      JsonNode created = TestApi.json(new TestApi(a.httpPort(), TestConfigs.ADMIN_KEY)
          .post("/admin/keys", "{\"scope\":\"api\",\"name\":\"fleet bot\"}"));
      TestApi onB = new TestApi(b.httpPort(), created.path("key").asText());
      Await.until("the key created on node a works on node b", Duration.ofSeconds(60),
          () -> onB.get("/v1/assistance-requests?limit=1").statusCode() == 200);

      HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + a.httpPort() + "/admin/keys/" + created.path("id").asText()))
          .header("Authorization", "Bearer " + TestConfigs.ADMIN_KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(204, deleted.statusCode(), deleted.body());
      Await.until("the key deleted on node a stops working on node b", Duration.ofSeconds(60),
          () -> onB.get("/v1/assistance-requests?limit=1").statusCode() == 401);
    }
  }

  @Test
  void theKeysCommandStoresAKeyTheRunningServerAccepts() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = KeysCommand.run(new String[] {"keys", "create", "--scope", "admin", "--name", "ops laptop"}, RelayboxConfig.from(env),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    String key = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("rbx_")).findFirst().orElseThrow();
    Await.until("the server picks up the new key", Duration.ofSeconds(60),
        () -> admin.withKey(key).get("/admin/stats").statusCode() == 200, () -> "still refused");
    assertEquals(2, KeysCommand.run(new String[] {"keys", "create", "--scope", "everything", "--name", "x"}, RelayboxConfig.from(env),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
  }

  @Test
  void anEmptyOrBlankIdempotencyKeyIsA422NamingTheHeaderNotARequestWithoutOne() {
    for (String key : new String[] {"", " "}) {
      var response = api.postWithHeader("/v1/assistance-requests", "{\"topic\":\"pricing\",\"description\":\"empty key\"}",
          "Idempotency-Key", key);
      assertEquals(422, response.statusCode(), "'" + key + "': " + response.body());
      assertEquals("Idempotency-Key", TestApi.json(response).path("errors").path(0).path("field").asText());
    }
  }

  @Test
  void idempotencyKeysOfDifferentApiKeysNeverMeet() {
    String otherKey = TestApi.json(admin.post("/admin/keys", "{\"scope\":\"api\",\"name\":\"other bot\"}")).path("key").asText();
    String idempotencyKey = "shared-" + TestApi.marker();
    var first = api.postWithHeader("/v1/assistance-requests", "{\"topic\":\"pricing\",\"description\":\"first caller\"}",
        "Idempotency-Key", idempotencyKey);
    var second = api.withKey(otherKey).postWithHeader("/v1/assistance-requests",
        "{\"topic\":\"pricing\",\"description\":\"second caller, other body\"}", "Idempotency-Key", idempotencyKey);
    assertEquals(202, first.statusCode(), first.body());
    assertEquals(202, second.statusCode(), "another caller's key is not a conflict: " + second.body());
    assertNotEquals(TestApi.json(first).path("id").asText(), TestApi.json(second).path("id").asText());
    var replay = api.postWithHeader("/v1/assistance-requests", "{\"topic\":\"pricing\",\"description\":\"first caller\"}",
        "Idempotency-Key", idempotencyKey);
    assertEquals(TestApi.json(first).path("id").asText(), TestApi.json(replay).path("id").asText(), "the same caller replays");
  }

  @Test
  void inputPostgresCannotStoreIsA4xxNamingTheFieldOnRealRoutes() {
    var nul = api.post("/v1/assistance-requests", "{\"topic\":\"sales\",\"description\":\"hi\",\"metadata\":{\"bot\":\"a\\u0000b\"}}");
    assertEquals(422, nul.statusCode(), nul.body());
    assertEquals("metadata.bot", TestApi.json(nul).path("errors").path(0).path("field").asText());
    var surrogate = api.post("/v1/assistance-requests", "{\"topic\":\"sales\",\"description\":\"hi \\udc00\"}");
    assertEquals(422, surrogate.statusCode(), surrogate.body());
    assertEquals("description", TestApi.json(surrogate).path("errors").path(0).path("field").asText());
    var farFuture = admin.post("/admin/jobs/replay", "{\"diedUntil\":\"+294277-01-01T00:00:00Z\"}");
    assertEquals(422, farFuture.statusCode(), farFuture.body());
    assertEquals("diedUntil", TestApi.json(farFuture).path("errors").path(0).path("field").asText());
    var farPast = admin.post("/admin/subscriptions/assistance.delivery/backfill", "{\"since\":\"-4714-11-24T00:00:00Z\"}");
    assertEquals(422, farPast.statusCode(), farPast.body());
    var query = admin.get("/admin/jobs?subscription=a%00b");
    assertEquals(400, query.statusCode(), query.body());
    assertEquals("application/problem+json", query.headers().firstValue("Content-Type").orElse("").split(";")[0]);
  }

  @Test
  void eachKeyHasARateAndEachAddressFewFailedAttempts() throws Exception {
    Map<String, String> limited = new HashMap<>(TestConfigs.freshDatabase());
    limited.put("RELAYBOX_API_RATE", "2");
    limited.put("RELAYBOX_AUTH_FAILURES_PER_MINUTE", "3");
    try (Relaybox strict = Relaybox.start(RelayboxConfig.from(limited), Clock.systemUTC())) {
      TestApi client = new TestApi(strict.httpPort(), TestConfigs.API_KEY);
      // Twenty requests released at once: twice the default burst at 2/s however slowly a loaded host sends them
      // (sequential requests could trickle out at the refill rate).
      List<HttpResponse<String>> answers = new ArrayList<>();
      try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          sent.add(callers.submit(() -> {
            go.await();
            return client.get("/v1/assistance-requests?limit=1");
          }));
        }
        go.countDown();
        for (var f : sent) {
          answers.add(f.get());
        }
      }
      // The bucket starts full: its default burst (five seconds' worth, 10) goes through however the host schedules
      // the twenty, and the rest waits for the rate.
      assertTrue(answers.stream().filter(r -> r.statusCode() == 200).count() >= 10,
          "the burst goes through: " + answers.stream().map(HttpResponse::statusCode).toList());
      HttpResponse<String> last = answers.stream().filter(r -> r.statusCode() == 429).findFirst()
          .orElseThrow(() -> new AssertionError("no 429 among " + answers.stream().map(HttpResponse::statusCode).toList()));
      long retryAfter = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
      assertEquals("application/problem+json", last.headers().firstValue("Content-Type").orElse("").split(";")[0]);

      TestApi guesser = client.withKey("rbx_guess_0123456789abcdef");
      for (int i = 0; i < 3; i++) {
        assertEquals(401, guesser.get("/admin/stats").statusCode());
      }
      assertEquals(429, guesser.get("/admin/stats").statusCode(), "the address has used its failed attempts");
      assertEquals(429, new TestApi(strict.httpPort(), TestConfigs.ADMIN_KEY).get("/admin/stats").statusCode(),
          "even a good key waits: the address is guessing");
      assertEquals(200, client.get("/health/live").statusCode(), "health needs no key");
    }
  }

  private static JsonNode find(JsonNode list, String id) {
    for (JsonNode key : list.path("keys")) {
      if (key.path("id").asText().equals(id)) {
        return key;
      }
    }
    return null;
  }

  private static HttpResponse<String> delete(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relaybox.httpPort() + path))
        .header("Authorization", "Bearer " + TestConfigs.ADMIN_KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }
}
