package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
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
