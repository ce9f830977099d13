package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/** The payment API as a client uses it in the end-to-end tests: accounts, transactions, waiting for a status. */
record PaymentClient(TestApi api, Duration patience) {

  static String credit(long amount, String currency) {
    return "{\"type\":\"credit\",\"amount\":" + amount + ",\"currency\":\"" + currency + "\"}";
  }

  static String debit(long amount, String currency) {
    return "{\"type\":\"debit\",\"amount\":" + amount + ",\"currency\":\"" + currency + "\"}";
  }

  String openAccount(String currency) {
    HttpResponse<String> created = api.post("/v1/accounts", "{\"currency\":\"" + currency + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    return TestApi.json(created).get("id").asText();
  }

  /**
   * Submits as a client does: a 503 with Retry-After (intake not taken under a burst: nothing stored) is sent again
   * with the same Idempotency-Key, which the README calls always safe.
   */
  HttpResponse<String> submit(String account, String key, String body) {
    String path = "/v1/accounts/" + account + "/transactions";
    return TestApi.resendingOn503(21, () -> api.postWithHeader(path, body, "Idempotency-Key", key));
  }

  JsonNode account(String id) {
    return TestApi.json(api.get("/v1/accounts/" + id));
  }

  JsonNode transaction(String id) {
    return TestApi.json(api.get("/v1/transactions/" + id));
  }

  JsonNode awaitStatus(String id, String status) {
    return awaitStatusIn(id, Set.of(status));
  }

  JsonNode awaitFinal(String id) {
    return awaitStatusIn(id, Set.of("succeeded", "failed"));
  }

  private JsonNode awaitStatusIn(String id, Set<String> statuses) {
    JsonNode[] last = new JsonNode[1];
    Await.until("transaction " + id + " to be " + String.join(" or ", statuses), patience, () -> {
      last[0] = transaction(id);
      return statuses.contains(last[0].get("status").asText());
    }, () -> String.valueOf(last[0]));
    return last[0];
  }
}
