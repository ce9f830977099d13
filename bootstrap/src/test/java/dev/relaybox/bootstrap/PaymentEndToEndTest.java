package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.relaybox.adapters.paymentprovider.PaymentProviderSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Payments through the real wiring, a real PostgreSQL and the provider simulator on 127.0.0.1 as the provider: intake
 * races, 504 storms, polling and webhooks, concurrent debits, dead letters and replay, signed callbacks.
 */
class PaymentEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String PROVIDER_KEY = "test-provider-key";
  private static final String WEBHOOK_SECRET = secret();
  private static final String CALLBACK_SECRET = secret();

  private static PaymentProviderSimulator provider;
  private static CallbackReceiver client;
  private static Relaybox relaybox;
  private static String databaseUrl;
  private static TestApi api;
  private static TestApi admin;
  private static TestApi anonymous;
  private static PaymentClient payments;

  @BeforeAll
  static void start() throws Exception {
    provider = TestConfigs.quickPaymentProvider(PROVIDER_KEY, 42);
    client = new CallbackReceiver(CALLBACK_SECRET);
    Map<String, String> env = TestConfigs.freshDatabase();
    databaseUrl = env.get("DATABASE_URL");
    env.putAll(TestConfigs.paymentProvider(provider.url(), PROVIDER_KEY, WEBHOOK_SECRET));
    // The provider's webhook comes 50 ms after a create; the first poll waits 5 s, so on a loaded host the webhook is
    // still first wherever a test counts on it (aWebhookThatComesFirstCancelsThePoll).
    env.put("RELAYBOX_PAYMENT_FIRST_POLL", "5s");
    env.put("RELAYBOX_CALLBACK_SECRET", CALLBACK_SECRET);
    env.put("RELAYBOX_CALLBACK_RETRY_BASE", "100ms");
    env.put("RELAYBOX_CALLBACK_RETRY_CAP", "500ms");
    env.put("RELAYBOX_DB_POOL_SIZE", "16");
    // The bursts here prove concurrency on one account, not the per-key request rate (AbuseEndToEndTest covers that).
    env.put("RELAYBOX_API_RATE", "100000");
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    TestConfigs.sendProviderWebhooksTo(provider, relaybox, WEBHOOK_SECRET);
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);
    admin = new TestApi(relaybox.httpPort(), TestConfigs.ADMIN_KEY);
    anonymous = new TestApi(relaybox.httpPort(), null);
    payments = new PaymentClient(api, WAIT);
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) {
      relaybox.close();
    }
    if (provider != null) {
      provider.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @BeforeEach
  void calmProvider() {
    provider.reconfigure(b -> {
      b.share504 = 0;
      b.shareNoWebhook = 0;
      b.shareFailed = 0;
      b.settleAfter = Duration.ofMillis(50);
      b.webhookBeforeResponse = false;
    });
  }

  @Test
  void fiftyConcurrentRequestsWithOneKeyMakeOneTransactionAndOneProviderCreate() throws Exception {
    String account = payments.openAccount("USD");
    String body = "{\"type\":\"credit\",\"amount\":100,\"currency\":\"USD\",\"reference\":\"top-up\"}";
    List<HttpResponse<String>> answers = concurrently(50, i -> payments.submit(account, "same-key", body));

    Set<String> ids = new HashSet<>();
    int replayed = 0;
    for (HttpResponse<String> answer : answers) {
      assertEquals(202, answer.statusCode(), answer.body());
      ids.add(TestApi.json(answer).get("id").asText());
      replayed += answer.headers().firstValue("Idempotent-Replayed").isPresent() ? 1 : 0;
    }
    assertEquals(1, ids.size(), "one transaction for one key");
    assertEquals(49, replayed, "every answer but the first is a replay");
    String id = ids.iterator().next();
    payments.awaitStatus(id, "succeeded");
    assertEquals(1, provider.postsFor(UUID.fromString(id)), "one create at the provider");
    assertEquals(100, payments.account(account).get("balance").asLong());
    assertEquals(1, api.get("/v1/accounts/" + account + "/transactions").body().split("\"id\"").length - 1);
  }

  @Test
  void theSameKeyWithAnotherBodyIs422() {
    String account = payments.openAccount("USD");
    assertEquals(202, payments.submit(account, "k1", PaymentClient.credit(5, "USD")).statusCode());
    HttpResponse<String> other = payments.submit(account, "k1", PaymentClient.credit(6, "USD"));
    assertEquals(422, other.statusCode());
    assertTrue(other.body().contains("Idempotency-Key"), other.body());
  }

  @Test
  void aGatewayTimeoutStormNeverCreatesATransactionTwice() throws Exception {
    provider.reconfigure(b -> {
      b.share504 = 0.5;
      b.share504Created = 0.5;
    });
    String account = payments.openAccount("EUR");
    List<HttpResponse<String>> answers = concurrently(30, i -> payments.submit(account, "storm-" + i, PaymentClient.credit(1, "EUR")));
    List<String> ids = answers.stream().map(a -> TestApi.json(a).get("id").asText()).toList();
    ids.forEach(id -> payments.awaitFinal(id));

    int succeeded = 0;
    for (String id : ids) {
      JsonNode tx = payments.transaction(id);
      UUID uuid = UUID.fromString(id);
      assertTrue(provider.postsFor(uuid) <= 4, "at most the first create and 3 retries: " + provider.postsFor(uuid));
      if (tx.get("status").asText().equals("succeeded")) {
        succeeded++;
        assertEquals(Optional.of("succeeded"), provider.statusOf(uuid));
      } else {
        assertEquals("failed", tx.get("status").asText(), tx.toString());
        assertTrue(tx.get("reason").asText().startsWith("provider_unavailable"), tx.toString());
        assertEquals(Optional.empty(), provider.statusOf(uuid), "a transaction given up on was never created: " + tx);
      }
    }
    assertTrue(provider.stats().gatewayTimeouts() > 0, "the storm happened");
    assertEquals(0, provider.stats().conflicts(), "no create ever named a transaction the provider already had");
    assertEquals(succeeded, payments.account(account).get("balance").asLong());
  }

  @Test
  void withoutAWebhookTheTransactionIsSettledByPolling() {
    provider.reconfigure(b -> {
      b.shareNoWebhook = 1;
      // Settles well after the first poll (5 s) and the next ones (every 200–500 ms), so even a poll that runs late
      // on a loaded machine finds the transaction still pending at least once.
      b.settleAfter = Duration.ofSeconds(8);
    });
    String account = payments.openAccount("USD");
    String id = TestApi.json(payments.submit(account, "poll-1", PaymentClient.credit(70, "USD"))).get("id").asText();

    JsonNode tx = payments.awaitStatus(id, "succeeded");
    assertTrue(provider.getsFor(UUID.fromString(id)) >= 3, "the create's look-up and at least two polls");
    assertTrue(kinds(tx).contains("provider.poll"), tx.toString());
    assertFalse(kinds(tx).contains("webhook"), tx.toString());
    assertEquals(70, payments.account(account).get("balance").asLong());
  }

  @Test
  void aWebhookThatComesFirstCancelsThePoll() throws Exception {
    String account = payments.openAccount("USD");
    String id = TestApi.json(payments.submit(account, "hook-first", PaymentClient.credit(30, "USD"))).get("id").asText();

    JsonNode tx = payments.awaitStatus(id, "succeeded");
    assertTrue(kinds(tx).contains("webhook"), tx.toString());
    String poll = awaitFinishedPoll(id);
    assertEquals("cancelled", poll, "the webhook cancelled the poll scheduled 5 s after the create");
    assertEquals(1, provider.getsFor(UUID.fromString(id)), "only the look-up before the create; the poll was cancelled");
    assertFalse(kinds(payments.transaction(id)).contains("provider.poll"));
  }

  @Test
  void aWebhookBeforeTheCreateAnsweredSettlesItOnce() throws Exception {
    provider.reconfigure(b -> b.webhookBeforeResponse = true);
    String account = payments.openAccount("USD");
    String id = TestApi.json(payments.submit(account, "hook-early", PaymentClient.credit(40, "USD"))).get("id").asText();

    JsonNode tx = payments.awaitStatus(id, "succeeded");
    Await.until("no create or poll of " + id + " is left to run", WAIT,
        () -> count("SELECT count(*) FROM job WHERE subscription IN ('payment.create', 'payment.settle') AND dedupe_key = ? "
            + "AND state IN ('available', 'running')", id) == 0);
    assertEquals(1, provider.postsFor(UUID.fromString(id)));
    assertEquals(1, provider.getsFor(UUID.fromString(id)), "no poll after the webhook settled it");
    assertEquals(40, payments.account(account).get("balance").asLong());
    assertEquals(1, kinds(tx).stream().filter(k -> k.equals("webhook")).count());
  }

  @Test
  void aThousandConcurrentDebitsOfTenOnFiveThousandLetExactlyFiveHundredThrough() throws Exception {
    String account = payments.openAccount("NGN");
    payments.awaitStatus(TestApi.json(payments.submit(account, "funding", PaymentClient.credit(5_000, "NGN"))).get("id").asText(), "succeeded");

    List<HttpResponse<String>> answers = concurrently(1_000, i -> payments.submit(account, "debit-" + i, PaymentClient.debit(10, "NGN")));
    answers.forEach(a -> assertEquals(202, a.statusCode(), a.body()));
    Await.until("every debit final", Duration.ofSeconds(240),
        () -> count("SELECT count(*) FROM payment_transaction WHERE account_id = ?::uuid AND type = 'debit' AND status IN ('succeeded', 'rejected', 'failed')", account) == 1_000,
        () -> "final so far: " + count("SELECT count(*) FROM payment_transaction WHERE account_id = ?::uuid AND status IN ('succeeded', 'rejected', 'failed')", account));

    assertEquals(500, count("SELECT count(*) FROM payment_transaction WHERE account_id = ?::uuid AND type = 'debit' AND status = 'succeeded'", account));
    assertEquals(500, count("SELECT count(*) FROM payment_transaction WHERE account_id = ?::uuid AND type = 'debit' AND status = 'rejected'", account));
    JsonNode balance = payments.account(account);
    assertEquals(0, balance.get("balance").asLong());
    assertEquals(0, balance.get("available").asLong());
    assertEquals(0, count("SELECT coalesce(sum(amount), 0) FROM payment_posting WHERE account_id = ?::uuid", account));
    assertEquals(501, count("SELECT count(*) FROM payment_posting WHERE account_id = ?::uuid", account), "one posting per settled transaction");
    assertTrue(count("SELECT coalesce(min(balance_after), 0) FROM payment_posting WHERE account_id = ?::uuid", account) >= 0);
  }

  @Test
  void insufficientFundsRejectsIntoTheDeadLettersAndAReplayAfterACreditSucceeds() {
    String account = payments.openAccount("GBP");
    String debit = TestApi.json(payments.submit(account, "too-much", PaymentClient.debit(50, "GBP"))).get("id").asText();
    JsonNode rejected = payments.awaitStatus(debit, "rejected");
    assertEquals("insufficient_funds", rejected.get("reason").asText());

    JsonNode dead = TestApi.json(admin.get("/admin/jobs?state=dead&subscription=payment.balance&key=" + account)).get("jobs");
    assertEquals(1, dead.size(), dead.toString());
    assertTrue(dead.get(0).get("lastError").asText().contains("insufficient_funds"), dead.toString());

    payments.awaitStatus(TestApi.json(payments.submit(account, "top-up", PaymentClient.credit(100, "GBP"))).get("id").asText(), "succeeded");
    assertEquals(200, admin.post("/admin/jobs/" + dead.get(0).get("id").asLong() + "/replay", "{}").statusCode());

    payments.awaitStatus(debit, "succeeded");
    JsonNode after = payments.account(account);
    assertEquals(50, after.get("balance").asLong());
    assertEquals(50, after.get("available").asLong());
  }

  @Test
  void forgedAndStaleWebhooksAre401AndChangeNothing() throws Exception {
    provider.reconfigure(b -> {
      b.shareNoWebhook = 1;
      b.settleAfter = Duration.ofMinutes(10);
    });
    String account = payments.openAccount("USD");
    String id = TestApi.json(payments.submit(account, "hooked", PaymentClient.credit(20, "USD"))).get("id").asText();
    payments.awaitStatus(id, "processing");
    String payload = "{\"type\":\"transaction.updated\",\"data\":{\"id\":\"" + id + "\",\"status\":\"succeeded\"}}";

    assertEquals(401, webhook(secret(), "msg_forged", Instant.now(), payload).statusCode());
    assertEquals(401, webhook(WEBHOOK_SECRET, "msg_stale", Instant.now().minus(Duration.ofMinutes(10)), payload).statusCode());
    assertEquals(401, anonymous.post("/webhooks/payments", payload).statusCode(), "no signature at all");
    assertEquals("processing", payments.transaction(id).get("status").asText());
    assertEquals(0, payments.account(account).get("balance").asLong());

    assertEquals(200, webhook(WEBHOOK_SECRET, "msg_real", Instant.now(), payload).statusCode());
    payments.awaitStatus(id, "succeeded");
    HttpResponse<String> again = webhook(WEBHOOK_SECRET, "msg_real", Instant.now(), payload);
    assertEquals(200, again.statusCode());
    assertTrue(again.body().contains("duplicate"), again.body());
    assertEquals(20, payments.account(account).get("balance").asLong());
    String unknown = "{\"type\":\"transaction.updated\",\"data\":{\"id\":\"" + UUID.randomUUID() + "\",\"status\":\"succeeded\"}}";
    assertEquals(404, webhook(WEBHOOK_SECRET, "msg_unknown", Instant.now(), unknown).statusCode());
  }

  @Test
  void theCallbackIsSignedRetriedUnderOneWebhookIdAndCarriesTheFinalTransaction() {
    client.answer(503, 500);
    String account = payments.openAccount("USD");
    String body = "{\"type\":\"credit\",\"amount\":25,\"currency\":\"USD\",\"callbackUrl\":\"" + client.url() + "\"}";
    String id = TestApi.json(payments.submit(account, "with-callback", body)).get("id").asText();

    Await.until("the callback accepted", WAIT, () -> client.callsFor(id).stream().anyMatch(c -> c.answered() == 200));
    List<CallbackReceiver.Call> calls = client.callsFor(id);
    assertEquals(3, calls.size(), "two refusals, then success");
    assertTrue(calls.stream().allMatch(CallbackReceiver.Call::signatureValid));
    assertEquals(1, calls.stream().map(CallbackReceiver.Call::webhookId).distinct().count(), "the same webhook-id on every retry");
    JsonNode last = calls.get(2).body();
    assertEquals("transaction.updated", last.get("type").asText());
    assertEquals("succeeded", last.get("data").get("status").asText());
    assertEquals(25, last.get("data").get("amount").asLong());
    assertTrue(kinds(payments.transaction(id)).contains("callback"));
  }

  @Test
  void badInputIsAProblemAndStoresNothing() {
    String account = payments.openAccount("USD");
    String path = "/v1/accounts/" + account + "/transactions";
    assertProblem(422, api.post(path, PaymentClient.credit(5, "USD")), "Idempotency-Key");
    assertProblem(422, payments.submit(account, "b1", PaymentClient.credit(0, "USD")), "amount");
    assertProblem(422, payments.submit(account, "b2", PaymentClient.credit(-3, "USD")), "amount");
    assertProblem(422, payments.submit(account, "b3", "{\"type\":\"credit\",\"amount\":\"lots\",\"currency\":\"USD\"}"), "amount");
    assertProblem(422, payments.submit(account, "b3f", "{\"type\":\"credit\",\"amount\":1.5,\"currency\":\"USD\"}"), "amount");
    assertProblem(422, payments.submit(account, "b3e", "{\"type\":\"credit\",\"amount\":1e2,\"currency\":\"USD\"}"), "amount");
    assertProblem(422, payments.submit(account, "b4", "{\"type\":\"refund\",\"amount\":5,\"currency\":\"USD\"}"), "type");
    assertProblem(422, payments.submit(account, "b5", PaymentClient.credit(5, "EUR")), "currency");
    assertProblem(422, payments.submit(account, "b6", PaymentClient.credit(5, "usd")), "currency");
    assertProblem(422, payments.submit(account, "b7", "{\"type\":\"credit\",\"amount\":5,\"currency\":\"USD\",\"callbackUrl\":\"ftp://example.com/x\"}"),
        "callbackUrl");
    assertProblem(400, payments.submit(account, "b8", "{not json"), "JSON");
    assertProblem(404, payments.submit(UUID.randomUUID().toString(), "b9", PaymentClient.credit(5, "USD")), "account");
    assertProblem(422, api.post("/v1/accounts", "{\"currency\":\"DOLLARS\"}"), "currency");
    assertProblem(400, api.get(path + "?limit=0"), "limit");
    assertEquals(401, anonymous.post(path, PaymentClient.credit(5, "USD")).statusCode());

    JsonNode list = TestApi.json(api.get(path)).get("transactions");
    assertEquals(0, list.size(), list.toString());
    assertEquals(0, payments.account(account).get("balance").asLong());
  }

  @Test
  void aFrozenAccountTakesNoNewTransactions() throws Exception {
    String account = payments.openAccount("USD");
    try (Connection c = DriverManager.getConnection(databaseUrl);
        PreparedStatement s = c.prepareStatement("UPDATE payment_account SET status = 'frozen' WHERE id = ?::uuid")) {
      s.setString(1, account);
      s.executeUpdate();
    }
    assertProblem(409, payments.submit(account, "frozen", PaymentClient.credit(5, "USD")), "frozen");
  }

  @Test
  void theLookupMetricsAndListingShowTransactions() {
    String account = payments.openAccount("USD");
    String id = TestApi.json(payments.submit(account, "looked-up", PaymentClient.credit(9, "USD"))).get("id").asText();
    payments.awaitStatus(id, "succeeded");

    JsonNode lookup = TestApi.json(admin.get("/admin/lookup/" + id));
    assertEquals("payment", lookup.get("kind").asText());
    assertEquals("succeeded", lookup.get("record").get("status").asText());
    JsonNode page = TestApi.json(api.get("/v1/accounts/" + account + "/transactions?status=succeeded&limit=1"));
    assertEquals(id, page.get("transactions").get(0).get("id").asText());
    assertNull(page.get("nextCursor").textValue());
    String metrics = anonymous.get("/metrics").body();
    assertTrue(metrics.contains("relaybox_payment_transactions_total{status=\"succeeded\"}"), "transactions by status");
    assertTrue(metrics.contains("relaybox_payment_provider_calls_seconds_count{operation=\"create\",outcome=\"created\"}"), "provider calls");
    assertTrue(metrics.contains("relaybox_payment_balance_updates_total{kind=\"credit\"}"), "balance updates");
  }

  // --- helpers

  private static String secret() {
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  private static List<String> kinds(JsonNode tx) {
    List<String> kinds = new ArrayList<>();
    tx.get("history").forEach(h -> kinds.add(h.get("kind").asText()));
    return kinds;
  }

  /** The state of the transaction's settle poll once it no longer waits or runs. */
  private static String awaitFinishedPoll(String id) {
    String[] state = new String[1];
    Await.until("the poll of " + id + " finished or was cancelled", WAIT, () -> {
      try (Connection c = DriverManager.getConnection(databaseUrl);
          PreparedStatement s = c.prepareStatement("SELECT state FROM job WHERE subscription = 'payment.settle' AND dedupe_key = ?")) {
        s.setString(1, id);
        try (ResultSet rs = s.executeQuery()) {
          state[0] = rs.next() ? rs.getString(1) : null;
          return state[0] != null && !Set.of("available", "running").contains(state[0]);
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, () -> "state " + state[0]);
    return state[0];
  }

  private static void assertProblem(int status, HttpResponse<String> answer, String mentions) {
    assertEquals(status, answer.statusCode(), answer.body());
    assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), answer.headers().toString());
    assertTrue(answer.body().contains(mentions), answer.body());
  }

  private static HttpResponse<String> webhook(String secret, String webhookId, Instant at, String payload) throws Exception {
    String signature = new Webhook(secret).sign(webhookId, at.getEpochSecond(), payload);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relaybox.httpPort() + "/webhooks/payments"))
        .header("Content-Type", "application/json")
        .header("webhook-id", webhookId)
        .header("webhook-timestamp", Long.toString(at.getEpochSecond()))
        .header("webhook-signature", signature)
        .POST(HttpRequest.BodyPublishers.ofString(payload))
        .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static long count(String sql, String account) {
    try (Connection c = DriverManager.getConnection(databaseUrl); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, account);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @FunctionalInterface
  private interface Call {
    HttpResponse<String> call(int i) throws Exception;
  }

  private static List<HttpResponse<String>> concurrently(int n, Call call) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 32))) {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit((Callable<HttpResponse<String>>) () -> call.call(index)));
      }
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        answers.add(f.get());
      }
      return answers;
    }
  }
}
