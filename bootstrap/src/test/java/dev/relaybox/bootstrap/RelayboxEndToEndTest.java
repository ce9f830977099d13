package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Starts the real wiring on a random port against real PostgreSQL and checks the HTTP skeleton from outside. */
class RelayboxEndToEndTest {
  private static Relaybox relaybox;
  private static TestApi api;
  private static TestApi admin;
  private static TestApi anonymous;

  @BeforeAll
  static void start() {
    relaybox = Relaybox.start(RelayboxConfig.from(TestConfigs.freshDatabase()), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = new TestApi(relaybox.httpPort(), TestConfigs.ADMIN_KEY);
    anonymous = new TestApi(relaybox.httpPort(), null);
  }

  @AfterAll
  static void stop() {
    relaybox.close();
  }

  @Test
  void readyAnswers200WhenTheDatabaseIsMigrated() {
    var response = anonymous.get("/health/ready");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("ready", TestApi.json(response).get("status").asText());
    assertEquals(200, anonymous.get("/health/live").statusCode());
  }

  @Test
  void unknownRouteGets404Problem() {
    assertProblem(anonymous.get("/no/such/route"), 404);
  }

  @Test
  void malformedJsonGets400Problem() {
    assertProblem(admin.post("/admin/jobs/replay", "{\"subscription\": "), 400);
  }

  @Test
  void oversizedBodyGets413Problem() {
    byte[] body = ("{\"subscription\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes();
    assertProblem(admin.post("/admin/jobs/replay", "application/json", body), 413);
  }

  @Test
  void wrongContentTypeGets415Problem() {
    assertProblem(admin.post("/admin/jobs/replay", "text/plain", "{}".getBytes()), 415);
  }

  @Test
  void v1WithoutKeyGets401Problem() {
    assertProblem(anonymous.get("/v1/assistance-requests"), 401);
    assertProblem(api.withKey("wrong-key-wrong-key-wrong").get("/v1/assistance-requests"), 401);
  }

  @Test
  void adminNeedsTheAdminKey() {
    assertProblem(api.get("/admin/stats"), 401);
    assertEquals(200, admin.get("/admin/stats").statusCode());
  }

  @Test
  void wrongTypeInAdminBodyGets422NamingTheField() {
    JsonNode problem = assertProblem(admin.post("/admin/jobs/replay", "{\"limit\": \"all\"}"), 422);
    assertEquals("limit", problem.get("errors").get(0).get("field").asText());
  }

  @Test
  void badPathParameterGets400Problem() {
    assertProblem(admin.get("/admin/jobs/not-a-number"), 400);
    assertProblem(admin.get("/admin/jobs/987654321"), 404);
  }

  @Test
  void badInputToTheAdminApiGets4xxProblems() {
    assertProblem(admin.get("/admin/jobs?state=sleeping"), 400);
    assertProblem(admin.get("/admin/jobs?limit=100000"), 400);
    assertProblem(admin.get("/admin/jobs?cursor=-5"), 400);
    assertProblem(admin.post("/admin/jobs/replay", "{\"diedFrom\":\"yesterday\"}"), 422);
    assertProblem(admin.post("/admin/jobs/replay",
        "{\"diedFrom\":\"2026-11-02T00:00:00Z\",\"diedUntil\":\"2026-11-01T00:00:00Z\"}"), 422);
    assertProblem(admin.post("/admin/jobs/replay", "{\"limit\":0}"), 422);
    assertProblem(admin.post("/admin/jobs/cancel", "{\"subscription\":\"assistance.delivery\"}"), 422);
    assertProblem(admin.post("/admin/jobs/42424242/cancel", ""), 404);
    assertProblem(admin.post("/admin/jobs/42424242/replay", ""), 404);
    assertProblem(admin.post("/admin/subscriptions/nope/backfill", "{\"since\":\"2026-11-01T00:00:00Z\"}"), 404);
    assertProblem(admin.post("/admin/subscriptions/assistance.delivery/backfill", "{}"), 422);
    assertEquals(200, admin.post("/admin/jobs/replay", "{\"subscription\":\"assistance.delivery\"}").statusCode());
  }

  @Test
  void unknownSubscriptionNamesGet404NotAnEmptyAnswer() {
    JsonNode replay = assertProblem(admin.post("/admin/jobs/replay", "{\"subscription\":\"assistance.slack\"}"), 404);
    assertTrue(replay.get("detail").asText().contains("assistance.delivery"), "the known names are listed: " + replay);
    assertProblem(admin.get("/admin/jobs?subscription=assistance.slack"), 404);
    assertProblem(admin.post("/admin/jobs/cancel", "{\"subscription\":\"assistance.slack\",\"dedupeKey\":\"k\"}"), 404);
    assertEquals(200, admin.get("/admin/jobs?subscription=assistance.delivery").statusCode());
  }

  @Test
  void cancellingByADedupeKeyNoJobHoldsIs404NotAStoppedJob() {
    // Assistance deliveries carry no dedupe key: an operator cancelling one "by its request id" must not read a 200.
    JsonNode problem = assertProblem(admin.post("/admin/jobs/cancel",
        "{\"subscription\":\"assistance.delivery\",\"dedupeKey\":\"" + UUID.randomUUID() + "\"}"), 404);
    assertTrue(problem.get("detail").asText().contains("POST /admin/jobs/{id}/cancel"), problem.toString());
  }

  @Test
  void statsListTheRegisteredSubscriptions() {
    JsonNode stats = TestApi.json(admin.get("/admin/stats"));
    JsonNode first = stats.get("subscriptions").get(0);
    assertEquals("assistance.delivery", first.get("subscription").asText());
    assertTrue(first.get("counts").has("dead"));
  }

  private static JsonNode assertProblem(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    JsonNode problem = TestApi.json(response);
    assertEquals(status, problem.get("status").asInt());
    assertFalse(response.body().contains("Exception"), response.body());
    assertTrue(problem.get("requestId").asText().length() > 0);
    return problem;
  }
}
