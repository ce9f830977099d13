package dev.relaybox.adapters.paymentprovider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

  @Test
  void takesTheWebhookUrlBeforeItsSecret() {
    var settings = SimulatorSettings.parse(new String[] {"--port", "22201", "--webhook-url", "http://127.0.0.1:8080/webhooks/payments",
        "--webhook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--share-504", "0.2"});
    assertEquals(Optional.of(URI.create("http://127.0.0.1:8080/webhooks/payments")), settings.webhookUrl());
    assertEquals(Optional.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), settings.webhookSecret());
  }

  @Test
  void takesTheSecretBeforeTheUrl() {
    var settings = SimulatorSettings.parse(new String[] {"--webhook-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--webhook-url", "http://127.0.0.1:8080/webhooks/payments"});
    assertEquals(Optional.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), settings.webhookSecret());
  }

  @Test
  void refusesAWebhookUrlWithoutASecret() {
    assertThrows(IllegalArgumentException.class,
        () -> SimulatorSettings.parse(new String[] {"--webhook-url", "http://127.0.0.1:8080/webhooks/payments"}));
  }
}
