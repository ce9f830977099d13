package dev.relaybox.application.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relaybox.application.jobs.EventFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WebhookEndpointTest {
  private static final Instant ROTATED = Instant.parse("2026-12-02T01:00:00Z");

  private static WebhookEndpoint endpoint(Optional<WebhookEndpoint.PreviousSecret> previous) {
    return new WebhookEndpoint(UUID.randomUUID(), Optional.empty(), "https://example.com/hook", "", List.of(new EventFilter("*")),
        "whsec_new", false, true, ROTATED, Optional.empty(), Optional.empty(), ROTATED, ROTATED, previous);
  }

  @Test
  void signsWithTheNewAndThePreviousSecretUntilTheGraceEndsThenWithTheNewOnly() {
    Instant until = ROTATED.plus(Duration.ofHours(24));
    WebhookEndpoint rotated = endpoint(Optional.of(new WebhookEndpoint.PreviousSecret("whsec_old", until)));

    assertEquals(List.of("whsec_new", "whsec_old"), rotated.signingSecrets(ROTATED.plusSeconds(1)));
    assertEquals(List.of("whsec_new", "whsec_old"), rotated.signingSecrets(until.minusMillis(1)));
    assertEquals(List.of("whsec_new"), rotated.signingSecrets(until), "the grace period is over");
    assertEquals(List.of("whsec_new"), endpoint(Optional.empty()).signingSecrets(ROTATED), "never rotated");
  }

  @Test
  void aChangeOfUrlOrFiltersKeepsThePreviousSecretSigning() {
    Instant until = ROTATED.plus(Duration.ofHours(24));
    WebhookEndpoint changed = endpoint(Optional.of(new WebhookEndpoint.PreviousSecret("whsec_old", until)))
        .changed("https://example.com/other", "", List.of(new EventFilter("order.*")), ROTATED.plusSeconds(60));

    assertEquals(List.of("whsec_new", "whsec_old"), changed.signingSecrets(ROTATED.plusSeconds(61)));
  }
}
