package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A sample of live answers of the real wiring, each held to the served OpenAPI document (status, headers, body). */
class OpenApiContractTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static FakeSlack slack;
  private static Relaybox relaybox;
  private static TestApi api;
  private static TestApi admin;
  private static TestApi anonymous;
  private static OpenApiContract contract;

  @BeforeAll
  static void start() throws Exception {
    slack = new FakeSlack();
    Map<String, String> env = TestConfigs.freshDatabase();
    env.putAll(Map.of(
        "RELAYBOX_SLACK_WEBHOOK_URL", slack.url(),
        "RELAYBOX_SLACK_MAX_PER_SECOND", "1000",
        "RELAYBOX_ROUTES", "sales=slack",
        "RELAYBOX_CHANNEL_MAX_ATTEMPTS", "1",
        "RELAYBOX_POLL_INTERVAL", "200ms"));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = new TestApi(relaybox.httpPort(), TestConfigs.ADMIN_KEY);
    anonymous = new TestApi(relaybox.httpPort(), null);
    contract = OpenApiContract.servedBy(anonymous);
  }

  @AfterAll
  static void stop() {
    relaybox.close();
    slack.close();
  }

  @Test
  void healthDocsAndErrorsMatchTheDocument() {
    check(anonymous, "GET", "/health/live", null, 200);
    check(anonymous, "GET", "/health/ready", null, 200);
    check(admin, "GET", "/health/ready", null, 200);
    check(anonymous, "GET", "/openapi.json", null, 200);
    check(anonymous, "DELETE", "/health/live", null, 405);
    check(api, "PUT", "/v1/assistance-requests", "{}", 405);
    check(anonymous, "GET", "/v1/assistance-requests", null, 401);
    check(api, "GET", "/v1/assistance-requests/" + UUID.randomUUID(), null, 404);
    check(api, "GET", "/v1/assistance-requests/not-an-id", null, 404);
    check(api, "GET", "/v1/assistance-requests?limit=many", null, 400);
    check(api, "POST", "/v1/assistance-requests", "{\"topic\":", 400);
    check(api, "POST", "/v1/assistance-requests", "{\"topic\":\"sales\"}", 422);
    check(api, "POST", "/v1/assistance-requests", "{\"description\":\"" + "x".repeat(70_000) + "\"}", 413);
    check(api, "GET", "/v1/purchases/" + UUID.randomUUID(), null, 404);
    check(api, "POST", "/v1/purchases/google",
        "{\"packageName\":\"a\",\"productId\":\"b\",\"purchaseToken\":\"c\",\"type\":\"product\",\"userId\":\"u\"}", 422);
    check(admin, "GET", "/admin/endpoints", null, 200);
    check(admin, "GET", "/admin/lookup/nothing-has-this-id", null, 404);
    check(admin, "POST", "/admin/jobs/replay", "{\"subscription\":\"assistance.slack\"}", 404);
  }

  @Test
  void assistanceRequestsJobsAndTheLookUpMatchTheDocument() {
    String marker = TestApi.marker();
    slack.alwaysAnswer(marker, FakeSlack.Answer.status(404, "no_service"));
    String failed = TestApi.json(check(api, "POST", "/v1/assistance-requests",
        "{\"topic\":\"sales\",\"description\":\"dies " + marker + "\",\"metadata\":{\"botId\":\"b\"}}", 202)).get("id").asText();
    String delivered = TestApi.json(check(api, "POST", "/v1/assistance-requests",
        "{\"topic\":\"sales\",\"description\":\"arrives\"}", 202)).get("id").asText();
    api.awaitAssistanceStatus(failed, "failed", WAIT);
    api.awaitAssistanceStatus(delivered, "delivered", WAIT);

    check(api, "GET", "/v1/assistance-requests/" + failed, null, 200);
    check(api, "GET", "/v1/assistance-requests/" + delivered, null, 200);
    check(api, "GET", "/v1/assistance-requests?limit=5", null, 200);
    JsonNode lookup = TestApi.json(check(admin, "GET", "/admin/lookup/" + failed, null, 200));
    assertEquals("assistance", lookup.get("kind").asText());
    long deadJob = -1; // the event's webhook fan-out job is listed with the delivery job; the dead one is the delivery
    for (JsonNode j : lookup.get("jobs")) {
      if ("dead".equals(j.get("job").get("state").asText())) {
        deadJob = j.get("job").get("id").asLong();
      }
    }
    check(admin, "GET", "/admin/jobs?state=dead&limit=5", null, 200);
    check(admin, "GET", "/admin/jobs?subscription=assistance.delivery", null, 200);
    check(admin, "GET", "/admin/jobs/" + deadJob, null, 200);
    check(admin, "GET", "/admin/stats", null, 200);
    check(admin, "GET", "/admin/throughput", null, 200);
    slack.clear(marker);
    check(admin, "POST", "/admin/jobs/" + deadJob + "/replay", null, 200);
    api.awaitAssistanceStatus(failed, "delivered", WAIT);
    check(admin, "POST", "/admin/jobs/" + deadJob + "/replay", null, 409);
    check(admin, "POST", "/admin/jobs/" + deadJob + "/cancel", null, 409);
    check(admin, "POST", "/admin/jobs/replay", "{\"subscription\":\"assistance.delivery\"}", 200);
    check(admin, "POST", "/admin/jobs/cancel", "{\"subscription\":\"assistance.delivery\",\"dedupeKey\":\"none\"}", 404);
  }

  private static HttpResponse<String> check(TestApi client, String method, String path, String body, int status) {
    Map<String, String> headers = body == null ? Map.of() : Map.of("Content-Type", "application/json");
    HttpResponse<String> response = client.send(method, path, headers, body);
    assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
    contract.check(method, path, response);
    return response;
  }
}
