package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relaybox.adapters.paymentprovider.PaymentProviderSimulator;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator cancels a transaction's create job ({@code POST /admin/jobs/cancel}, subscription {@code payment.create},
 * dedupe key = the transaction id): the transaction never stays in flight for good, and one the provider has is never
 * failed. Creates here wait a minute between attempts, so a cancel lands between a 504 and the next attempt.
 */
class PaymentCreateCancelEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String PROVIDER_KEY = "test-provider-key";
  private static final String WEBHOOK_SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(
      "payment-create-cancel-test-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));

  private static PaymentProviderSimulator provider;
  private static Relaybox relaybox;
  private static TestApi admin;
  private static PaymentClient payments;

  @BeforeAll
  static void start() throws Exception {
    provider = TestConfigs.quickPaymentProvider(PROVIDER_KEY, 7);
    Map<String, String> env = TestConfigs.freshDatabase();
    env.putAll(TestConfigs.paymentProvider(provider.url(), PROVIDER_KEY, WEBHOOK_SECRET));
    env.put("RELAYBOX_PAYMENT_CREATE_BACKOFF", "60s");
    env.put("RELAYBOX_PAYMENT_FIRST_POLL", "1s");
    // A create cut mid-call by the cancel may or may not have reached the provider: the poll asks until this passes.
    env.put("RELAYBOX_PAYMENT_MAX_WAIT", "20s");
    env.put("RELAYBOX_API_RATE", "100000");
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    TestConfigs.sendProviderWebhooksTo(provider, relaybox, WEBHOOK_SECRET);
    payments = new PaymentClient(new TestApi(relaybox.httpPort(), TestConfigs.API_KEY), WAIT);
    admin = new TestApi(relaybox.httpPort(), TestConfigs.ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    if (relaybox != null) {
      relaybox.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void aCancelledCreateThatMayHaveReachedTheProviderIsSettledByThePollNotLeftProcessing() {
    // The provider creates the transaction but answers 504 and never sends its webhook: only asking it settles it.
    provider.reconfigure(b -> {
      b.share504 = 1;
      b.share504Created = 1;
      b.shareNoWebhook = 1;
    });
    try {
      String account = payments.openAccount("USD");
      String id = TestApi.json(payments.submit(account, "cut-" + UUID.randomUUID(), PaymentClient.credit(25, "USD")))
          .get("id").asText();
      Await.until("the create got its 504 and waits a minute for the next attempt", WAIT,
          () -> history(payments.transaction(id)).contains("provider.create"));

      HttpResponse<String> cancelled = cancelCreate(id);
      assertEquals(200, cancelled.statusCode(), cancelled.body());

      JsonNode tx = payments.awaitStatus(id, "succeeded");
      assertTrue(history(tx).contains("operator.cancel"), tx.toString());
      assertTrue(history(tx).contains("provider.poll") || history(tx).contains("provider.lookup"), tx.toString());
      assertEquals(25, payments.account(account).get("balance").asLong());
      assertEquals(1, provider.postsFor(UUID.fromString(id)), "the provider was asked to create it once");
    } finally {
      provider.reconfigure(b -> {
        b.share504 = 0;
        b.share504Created = 0;
        b.shareNoWebhook = 0;
      });
    }
  }

  @Test
  void cancelsRacingFreshCreditsLeaveEachOneFinalAndTheBalanceEqualToWhatTheProviderSettled() {
    String account = payments.openAccount("EUR");
    List<String> ids = new ArrayList<>();
    Map<Integer, Integer> cancelAnswers = new TreeMap<>();
    for (int i = 0; i < 40; i++) {
      String id = TestApi.json(payments.submit(account, "race-" + i, PaymentClient.credit(1, "EUR"))).get("id").asText();
      ids.add(id);
      cancelAnswers.merge(cancelCreate(id).statusCode(), 1, Integer::sum);
    }
    assertTrue(Set.of(200, 404).containsAll(cancelAnswers.keySet()), "cancel answers: " + cancelAnswers);

    int succeeded = 0;
    Map<String, Integer> failedBy = new TreeMap<>();
    for (String id : ids) {
      JsonNode tx = payments.awaitFinal(id);
      Optional<String> atProvider = provider.statusOf(UUID.fromString(id));
      if (tx.get("status").asText().equals("succeeded")) {
        succeeded++;
        assertEquals(Optional.of("succeeded"), atProvider, tx.toString());
      } else {
        String reason = tx.get("reason").asText();
        assertTrue(Set.of("cancelled_by_operator", "timeout").contains(reason), tx.toString());
        if (reason.equals("cancelled_by_operator")) {
          assertEquals(0, provider.postsFor(UUID.fromString(id)), "no create was sent for a cancelled one: " + tx);
          tx.get("history").forEach(h -> assertTrue(!h.get("detail").asText().startsWith("provider reports"),
              "the provider never spoke of it: " + tx));
        }
        assertTrue(atProvider.isEmpty() || atProvider.get().equals("failed"),
            "failed here but " + atProvider + " at the provider: " + tx);
        failedBy.merge(reason, 1, Integer::sum);
      }
    }
    System.out.printf("cancel answers %s; %d succeeded, failed %s%n", cancelAnswers, succeeded, failedBy);
    assertEquals(succeeded, payments.account(account).get("balance").asLong());
  }

  private static HttpResponse<String> cancelCreate(String transactionId) {
    return admin.post("/admin/jobs/cancel",
        "{\"subscription\":\"payment.create\",\"dedupeKey\":\"" + transactionId + "\"}");
  }

  private static List<String> history(JsonNode tx) {
    List<String> kinds = new ArrayList<>();
    tx.get("history").forEach(h -> kinds.add(h.get("kind").asText()));
    return kinds;
  }
}
