package dev.relaybox.adapters.notify.slack;

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

class SlackChannelFactoryTest {

  private final SlackChannelFactory factory = new SlackChannelFactory();

  @Test
  void isNotConfiguredWithoutAWebhookUrl() {
    assertTrue(factory.create(settings(Map.of())).isEmpty());
    assertTrue(factory.create(settings(Map.of(SlackChannelFactory.WEBHOOK_URL, "  "))).isEmpty());
  }

  @Test
  void createsTheChannelFromAnHttpsUrl() {
    var channel = factory.create(settings(Map.of(SlackChannelFactory.WEBHOOK_URL,
        "https://hooks.slack.com/services/T000/B000/XXXX")));
    assertEquals("slack", channel.orElseThrow().name());
  }

  @Test
  void rejectsANonHttpUrlNamingTheVariableButNotTheValue() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> factory.create(settings(Map.of(SlackChannelFactory.WEBHOOK_URL, "ftp://secret-token"))));
    assertTrue(e.getMessage().contains("RELAYBOX_SLACK_WEBHOOK_URL"));
    assertFalse(e.getMessage().contains("secret-token"));
    assertThrows(IllegalArgumentException.class,
        () -> factory.create(settings(Map.of(SlackChannelFactory.WEBHOOK_URL, "not a url"))));
  }

  @Test
  void isRegisteredForServiceLoader() {
    assertTrue(ServiceLoader.load(NotificationChannelFactory.class).stream()
        .anyMatch(p -> p.type() == SlackChannelFactory.class));
  }

  private static ChannelSettings settings(Map<String, String> env) {
    return new ChannelSettings(env, Clock.systemUTC());
  }
}
