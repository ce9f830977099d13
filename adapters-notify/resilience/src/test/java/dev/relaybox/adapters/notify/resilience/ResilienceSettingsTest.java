package dev.relaybox.adapters.notify.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.assistance.port.out.ChannelSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResilienceSettingsTest {

  @Test
  void slackDefaultsToOnePerSecondWithABurstOfThreeAndOthersToFifty() {
    ResilienceSettings slack = ResilienceSettings.fromEnvironment("slack", env(Map.of()));
    assertEquals(1.0, slack.maxPerSecond());
    assertEquals(3, slack.burst());
    assertEquals(Duration.ofSeconds(5), slack.timeout());
    assertEquals(8, slack.maxConcurrency());

    ResilienceSettings email = ResilienceSettings.fromEnvironment("email", env(Map.of()));
    assertEquals(50.0, email.maxPerSecond());
    assertEquals(8, email.maxConcurrency());
    assertEquals(5, email.failureThreshold());
    assertEquals(Duration.ofSeconds(30), email.openDelay());
  }

  @Test
  void readsThePerChannelVariables() {
    ResilienceSettings s = ResilienceSettings.fromEnvironment("webhook", env(Map.of(
        "RELAYBOX_WEBHOOK_TIMEOUT", "500ms",
        "RELAYBOX_WEBHOOK_MAX_PER_SECOND", "2.5",
        "RELAYBOX_WEBHOOK_BURST", "4",
        "RELAYBOX_WEBHOOK_MAX_CONCURRENCY", "3")));
    assertEquals(Duration.ofMillis(500), s.timeout());
    assertEquals(2.5, s.maxPerSecond());
    assertEquals(4, s.burst());
    assertEquals(3, s.maxConcurrency());

    assertEquals(Duration.ofSeconds(5),
        ResilienceSettings.fromEnvironment("my-chat", env(Map.of("RELAYBOX_MY_CHAT_TIMEOUT", "PT5S"))).timeout());
  }

  @Test
  void invalidValuesNameTheVariable() {
    var timeout = assertThrows(IllegalArgumentException.class,
        () -> ResilienceSettings.fromEnvironment("slack", env(Map.of("RELAYBOX_SLACK_TIMEOUT", "soon"))));
    assertTrue(timeout.getMessage().contains("RELAYBOX_SLACK_TIMEOUT"), timeout.getMessage());
    var rate = assertThrows(IllegalArgumentException.class,
        () -> ResilienceSettings.fromEnvironment("slack", env(Map.of("RELAYBOX_SLACK_MAX_PER_SECOND", "0"))));
    assertTrue(rate.getMessage().contains("RELAYBOX_SLACK_MAX_PER_SECOND"), rate.getMessage());
    var concurrency = assertThrows(IllegalArgumentException.class,
        () -> ResilienceSettings.fromEnvironment("email", env(Map.of("RELAYBOX_EMAIL_MAX_CONCURRENCY", "-1"))));
    assertTrue(concurrency.getMessage().contains("RELAYBOX_EMAIL_MAX_CONCURRENCY"), concurrency.getMessage());
    var zero = assertThrows(IllegalArgumentException.class,
        () -> ResilienceSettings.fromEnvironment("email", env(Map.of("RELAYBOX_EMAIL_TIMEOUT", "0s"))));
    assertTrue(zero.getMessage().contains("RELAYBOX_EMAIL_TIMEOUT"), zero.getMessage());
  }

  private static ChannelSettings env(Map<String, String> values) {
    return new ChannelSettings(values, Clock.systemUTC());
  }
}
