package dev.relaybox.bootstrap;

import dev.relaybox.adapters.paymentprovider.PaymentProviderSimulator;
import dev.relaybox.adapters.paymentprovider.SimulatorSettings;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Environments for starting the real wiring in tests: a fresh database on the shared test server, a random port. */
final class TestConfigs {
  static final String API_KEY = "test-api-key-0123456789";
  static final String ADMIN_KEY = "test-admin-key-0123456789";

  private TestConfigs() {}

  static Map<String, String> freshDatabase() {
    var target = TestDatabase.freshDatabase();
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", target.jdbcUrl() + "?user=" + target.user().orElse("postgres"));
    env.put("RELAYBOX_HTTP_HOST", "127.0.0.1");
    env.put("RELAYBOX_HTTP_PORT", "0");
    env.put("RELAYBOX_API_KEYS", API_KEY);
    env.put("RELAYBOX_ADMIN_KEYS", ADMIN_KEY);
    env.put("RELAYBOX_DB_POOL_SIZE", "8");
    env.put("RELAYBOX_SHUTDOWN_GRACE", "5s");
    return env;
  }

  /**
   * The payment provider simulator on a free loopback port as the payment tests start it: 2 ms per call, settling
   * 50 ms after a create, never failing a transaction on its own; each test reconfigures the faults it is about.
   */
  static PaymentProviderSimulator quickPaymentProvider(String apiKey, long seed) throws IOException {
    return PaymentProviderSimulator.start(SimulatorSettings.defaults().with(b -> {
      b.port = 0;
      b.apiKey = Optional.of(apiKey);
      b.latency = Duration.ofMillis(2);
      b.shareFailed = 0;
      b.settleAfter = Duration.ofMillis(50);
      b.seed = seed;
    }));
  }

  /** Points the simulator's signed webhooks at {@code relaybox}'s {@code /webhooks/payments}. */
  static void sendProviderWebhooksTo(PaymentProviderSimulator provider, Relaybox relaybox, String webhookSecret) {
    provider.reconfigure(b -> {
      b.webhookUrl = Optional.of(java.net.URI.create("http://127.0.0.1:" + relaybox.httpPort() + "/webhooks/payments"));
      b.webhookSecret = Optional.of(webhookSecret);
    });
  }

  /** The three commerce ports, all served by one simulator (or fake) at {@code baseUrl}. */
  static Map<String, String> commercePorts(String baseUrl) {
    return Map.of("RELAYBOX_CUSTOMERS_URL", baseUrl, "RELAYBOX_INVENTORY_URL", baseUrl, "RELAYBOX_AUTHORIZATIONS_URL", baseUrl);
  }

  /**
   * The payment provider at {@code url} (a loopback simulator), and the retry and poll schedule scaled down:
   * create retries 100 ms apart, first poll after 1 s, then 200 ms doubling to 500 ms; the engine polls every 200 ms.
   */
  static Map<String, String> paymentProvider(java.net.URI url, String apiKey, String webhookSecret) {
    return Map.of(
        "RELAYBOX_PAYMENT_PROVIDER_URL", url.toString(),
        "RELAYBOX_PAYMENT_PROVIDER_KEY", apiKey,
        "RELAYBOX_PAYMENT_WEBHOOK_SECRET", webhookSecret,
        "RELAYBOX_ALLOW_PRIVATE_URLS", "true",
        "RELAYBOX_PAYMENT_CREATE_BACKOFF", "100ms",
        "RELAYBOX_PAYMENT_FIRST_POLL", "1s",
        "RELAYBOX_PAYMENT_SECOND_POLL", "200ms",
        "RELAYBOX_PAYMENT_POLL_CAP", "500ms",
        "RELAYBOX_POLL_INTERVAL", "200ms");
  }
}
