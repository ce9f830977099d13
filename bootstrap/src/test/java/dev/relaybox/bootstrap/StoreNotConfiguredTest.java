package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import org.junit.jupiter.api.Test;

/** A fresh checkout has no store settings: Relaybox starts and the purchase routes answer 503 problems. */
class StoreNotConfiguredTest {

  @Test
  void purchaseRoutesAnswer503WhenNoStoreIsConfigured() {
    try (Relaybox relaybox = Relaybox.start(RelayboxConfig.from(TestConfigs.freshDatabase()), Clock.systemUTC())) {
      TestApi api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
      TestApi anonymous = new TestApi(relaybox.httpPort(), null);
      var google = api.post("/v1/purchases/google", "{\"packageName\":\"dev.relaybox.app\",\"productId\":\"coins.100\","
          + "\"purchaseToken\":\"gp-token-000000001\",\"type\":\"product\",\"userId\":\"u1\"}");
      assertEquals(503, google.statusCode(), google.body());
      assertEquals("Store not configured", TestApi.json(google).path("title").asText());
      assertEquals(503, api.post("/v1/purchases/apple", "{\"transactionId\":\"1000\",\"userId\":\"u1\"}").statusCode());
      assertEquals(503, anonymous.post("/webhooks/apple", "{\"signedPayload\":\"a.b.c\"}").statusCode());
      assertEquals(503, anonymous.post("/webhooks/google", "{}").statusCode());
    }
  }
}
