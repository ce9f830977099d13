package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The managed {@code backend} endpoint across restarts of one database: configured, then started without
 * {@code RELAYBOX_BACKEND_WEBHOOK_URL} (it cannot be re-enabled by hand), and refused event types at start.
 */
class BackendEndpointConfigEndToEndTest {
  private static FakeSubscriber subscribers;
  private static Map<String, String> base;

  @BeforeAll
  static void start() throws Exception {
    subscribers = new FakeSubscriber();
    base = TestConfigs.freshDatabase();
    base.put("RELAYBOX_ALLOW_PRIVATE_URLS", "true");
    try (Relaybox configured = Relaybox.start(RelayboxConfig.from(withBackend(Map.of())), Clock.systemUTC())) {
      TestApi admin = new TestApi(configured.httpPort(), TestConfigs.ADMIN_KEY);
      assertTrue(backend(admin).path("enabled").asBoolean(), "configured and enabled on the first start");
    }
  }

  @AfterAll
  static void stop() {
    if (subscribers != null) subscribers.close();
  }

  @Test
  void withoutItsUrlTheBackendEndpointCannotBeEnabledByEitherRouteAndItsEventsKeepWaiting() {
    try (Relaybox unconfigured = Relaybox.start(RelayboxConfig.from(new HashMap<>(base)), Clock.systemUTC())) {
      TestApi admin = new TestApi(unconfigured.httpPort(), TestConfigs.ADMIN_KEY);
      JsonNode before = backend(admin);
      assertFalse(before.path("enabled").asBoolean(), before.toString());
      assertEquals("RELAYBOX_BACKEND_WEBHOOK_URL is not set", before.path("disabledReason").asText());

      HttpResponse<String> named = admin.post("/admin/endpoints/backend/enable", "{}");
      assertRestartProblem(named);
      HttpResponse<String> patched = admin.patch("/admin/webhook-endpoints/" + before.path("id").asText(), "{\"enabled\":true}");
      assertRestartProblem(patched);

      JsonNode after = backend(admin);
      assertFalse(after.path("enabled").asBoolean(), "still disabled: " + after);
      assertEquals(before.path("disabledAt"), after.path("disabledAt"), "the refusal changed nothing");
      JsonNode listed = TestApi.json(admin.get("/admin/endpoints")).path("endpoints").get(0);
      assertFalse(listed.path("enabled").asBoolean(), listed.toString());
      assertEquals(200, admin.patch("/admin/webhook-endpoints/" + before.path("id").asText(), "{\"enabled\":false}").statusCode(),
          "disabling stays allowed");
    }
    try (Relaybox reconfigured = Relaybox.start(RelayboxConfig.from(withBackend(Map.of())), Clock.systemUTC())) {
      TestApi admin = new TestApi(reconfigured.httpPort(), TestConfigs.ADMIN_KEY);
      assertTrue(backend(admin).path("enabled").asBoolean(), "setting the variables and restarting enables it again");
    }
  }

  @Test
  void backendEventTypesThatMatchNothingRelayboxEmitsStopTheStart() {
    for (String types : new String[] {"order.shiped", "purchase.*,nonsense.*", "data"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> Relaybox.start(RelayboxConfig.from(withBackend(Map.of("RELAYBOX_BACKEND_EVENT_TYPES", types))), Clock.systemUTC())
              .close());
      assertTrue(e.getMessage().startsWith("RELAYBOX_BACKEND_EVENT_TYPES: '"), e.getMessage());
      assertTrue(e.getMessage().contains("matches no event type Relaybox emits"), e.getMessage());
    }
  }

  private static void assertRestartProblem(HttpResponse<String> answer) {
    assertEquals(409, answer.statusCode(), answer.body());
    assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), answer.body());
    assertTrue(answer.body().contains("RELAYBOX_BACKEND_WEBHOOK_URL") && answer.body().contains("RELAYBOX_BACKEND_WEBHOOK_SECRET")
        && answer.body().contains("restart"), answer.body());
  }

  private static JsonNode backend(TestApi admin) {
    for (JsonNode e : TestApi.json(admin.get("/admin/webhook-endpoints")).path("endpoints")) {
      if ("backend".equals(e.path("name").asText())) {
        return e;
      }
    }
    throw new AssertionError("no backend endpoint");
  }

  private static Map<String, String> withBackend(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(base);
    env.put("RELAYBOX_BACKEND_WEBHOOK_URL", subscribers.url("backend"));
    env.put("RELAYBOX_BACKEND_WEBHOOK_SECRET", SECRET);
    env.putAll(extra);
    return env;
  }

  private static final String SECRET = secret();

  private static String secret() {
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }
}
