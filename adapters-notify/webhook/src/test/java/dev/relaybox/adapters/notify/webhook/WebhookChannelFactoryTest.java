package dev.relaybox.adapters.notify.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.NotificationChannelFactory;
import java.time.Clock;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class WebhookChannelFactoryTest {

  private final WebhookChannelFactory factory = new WebhookChannelFactory();

  @Test
  void isNotConfiguredWithoutAUrl() {
    assertTrue(factory.create(settings(Map.of(WebhookChannelFactory.SECRET, WebhookChannelTest.SECRET))).isEmpty());
  }

  @Test
  void createsTheChannelFromUrlAndSecret() {
    var channel = factory.create(settings(Map.of(
        WebhookChannelFactory.URL, "https://example.com/hooks",
        WebhookChannelFactory.SECRET, WebhookChannelTest.SECRET)));
    assertEquals("webhook", channel.orElseThrow().name());
  }

  @Test
  void requiresTheSecretWhenTheUrlIsSet() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> factory.create(settings(Map.of(WebhookChannelFactory.URL, "https://example.com/hooks"))));
    assertTrue(e.getMessage().contains("RELAYBOX_WEBHOOK_SECRET"), e.getMessage());
  }

  @Test
  void rejectsMalformedSecretsWithoutEchoingThem() {
    for (String bad : new String[] {"plain-password", "whsec_***not-base64***", "whsec_c2hvcnQ="}) {
      var e = assertThrows(IllegalArgumentException.class, () -> factory.create(settings(Map.of(
          WebhookChannelFactory.URL, "https://example.com/hooks", WebhookChannelFactory.SECRET, bad))));
      assertTrue(e.getMessage().contains("RELAYBOX_WEBHOOK_SECRET"), e.getMessage());
      assertFalse(e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void rejectsANonHttpUrl() {
    var e = assertThrows(IllegalArgumentException.class, () -> factory.create(settings(Map.of(
        WebhookChannelFactory.URL, "mailto:ops@example.com", WebhookChannelFactory.SECRET,
        WebhookChannelTest.SECRET))));
    assertTrue(e.getMessage().contains("RELAYBOX_WEBHOOK_URL"), e.getMessage());
  }

  @Test
  void isRegisteredForServiceLoader() {
    assertTrue(ServiceLoader.load(NotificationChannelFactory.class).stream()
        .anyMatch(p -> p.type() == WebhookChannelFactory.class));
  }

  private static ChannelSettings settings(Map<String, String> env) {
    return new ChannelSettings(env, Clock.systemUTC());
  }
}
