package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.adapters.paymentprovider.PaymentProviderSimulator;
import dev.relaybox.adapters.paymentprovider.SimulatorSettings;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged jar killed with SIGKILL while payments are in flight: after a restart every one settles, each balance change once. */
class PaymentJarProcessIT {
  private PaymentProviderSimulator provider;
  private Map<String, String> env;
  private String webhookSecret;

  @BeforeEach
  void setUp() throws Exception {
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    webhookSecret = "whsec_" + Base64.getEncoder().encodeToString(key);
    provider = PaymentProviderSimulator.start(SimulatorSettings.defaults().with(b -> {
      b.port = 0;
      b.apiKey = Optional.of("process-key");
      b.latency = Duration.ofMillis(20);
      b.share504 = 0.2;
      b.share504Created = 0.5;
      b.shareNoWebhook = 0.3;
      b.shareFailed = 0.1;
      b.settleAfter = Duration.ofMillis(300);
      b.seed = 7;
    }));
    env = TestConfigs.freshDatabase();
    env.remove("RELAYBOX_HTTP_PORT");
    env.remove("RELAYBOX_HTTP_HOST");
    env.put("RELAYBOX_PAYMENT_PROVIDER_URL", provider.url().toString());
    env.put("RELAYBOX_PAYMENT_PROVIDER_KEY", "process-key");
    env.put("RELAYBOX_PAYMENT_WEBHOOK_SECRET", webhookSecret);
    env.put("RELAYBOX_PAYMENT_CREATE_BACKOFF", "200ms");
    env.put("RELAYBOX_PAYMENT_POLL_CAP", "1s");
    env.put("RELAYBOX_JOB_LEASE", "3s");
    env.put("RELAYBOX_MAINTENANCE_INTERVAL", "500ms");
    env.put("RELAYBOX_POLL_INTERVAL", "200ms");
  }

  @AfterEach
  void tearDown() {
    provider.close();
  }

  @Test
  void everyTransactionSettlesAndEachBalanceChangeHappensOnceAfterSigkillMidFlow() throws Exception {
    List<String> ids = new ArrayList<>();
    String account;
    try (RelayboxProcess first = start("payment-sigkill-first")) {
      TestApi api = new TestApi(first.port(), TestConfigs.API_KEY);
      account = TestApi.json(api.post("/v1/accounts", "{\"currency\":\"USD\"}")).get("id").asText();
      for (int i = 0; i < 120; i++) {
        String type = i < 20 || i % 3 != 0 ? "credit" : "debit";
        var answer = api.postWithHeader("/v1/accounts/" + account + "/transactions",
            "{\"type\":\"" + type + "\",\"amount\":10,\"currency\":\"USD\"}", "Idempotency-Key", "tx-" + i);
        assertEquals(202, answer.statusCode(), answer.body());
        ids.add(TestApi.json(answer).get("id").asText());
      }
      first.kill();
    }
    assertTrue(count("SELECT count(*) FROM payment_transaction WHERE status IN ('pending', 'processing')", account) > 0,
        "the kill came while transactions were in flight");

    try (RelayboxProcess second = start("payment-sigkill-second")) {
      TestApi api = new TestApi(second.port(), TestConfigs.API_KEY);
      Await.until("every transaction final", Duration.ofSeconds(180),
          () -> count("SELECT count(*) FROM payment_transaction WHERE account_id = ?::uuid AND status IN ('succeeded', 'failed', 'rejected')",
              account) == ids.size(),
          () -> "final: " + count("SELECT count(*) FROM payment_transaction WHERE account_id = ?::uuid AND status IN ('succeeded', 'failed', 'rejected')", account));
      long expected = 0;
      int succeeded = 0;
      for (String id : ids) {
        JsonNode tx = TestApi.json(api.get("/v1/transactions/" + id));
        String status = tx.get("status").asText();
        assertTrue(Set.of("succeeded", "failed", "rejected").contains(status), tx.toString());
        if (status.equals("succeeded")) {
          succeeded++;
          expected += tx.get("type").asText().equals("credit") ? 10 : -10;
          assertEquals(Optional.of("succeeded"), provider.statusOf(UUID.fromString(id)), tx.toString());
        }
      }
      JsonNode balance = TestApi.json(api.get("/v1/accounts/" + account));
      assertEquals(expected, balance.get("balance").asLong());
      assertEquals(expected, balance.get("available").asLong(), "no hold left behind");
      assertEquals(expected, count("SELECT coalesce(sum(amount), 0) FROM payment_posting WHERE account_id = ?::uuid", account));
      assertEquals(succeeded, count("SELECT count(*) FROM payment_posting WHERE account_id = ?::uuid", account), "one posting per success");
      assertEquals(0, provider.stats().conflicts(), "no transaction created twice at the provider");
      System.out.printf("payment SIGKILL test: %d transactions, %d succeeded, balance %d, provider %s%n", ids.size(), succeeded, expected,
          provider.stats());
    }
  }

  private RelayboxProcess start(String name) throws Exception {
    RelayboxProcess process = RelayboxProcess.start(env, name);
    provider.reconfigure(b -> {
      b.webhookUrl = Optional.of(URI.create("http://127.0.0.1:" + process.port() + "/webhooks/payments"));
      b.webhookSecret = Optional.of(webhookSecret);
    });
    return process;
  }

  private long count(String sql, String account) {
    try (Connection c = DriverManager.getConnection(env.get("DATABASE_URL")); PreparedStatement s = c.prepareStatement(sql)) {
      if (sql.contains("?")) {
        s.setString(1, account);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
