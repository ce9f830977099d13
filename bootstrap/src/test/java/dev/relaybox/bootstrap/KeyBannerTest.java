package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyBannerTest {
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void isOneJsonObjectLineWhenTheLogIsJson() throws Exception {
    String banner = KeyBanner.render("rbx_secret", "json", AT);

    assertEquals(1, banner.strip().lines().count(), banner);
    JsonNode line = TestApi.JSON.readTree(banner);
    assertEquals("rbx_secret", line.get("apiKey").asText());
    assertEquals("WARN", line.get("level").asText());
    assertEquals(AT.toEpochMilli(), line.get("timestamp").asLong());
    assertTrue(line.get("formattedMessage").asText().contains("will not be shown again"));
  }

  @Test
  void isAFramedBlockForHumansWhenTheLogIsText() {
    String banner = KeyBanner.render("rbx_secret", "text", AT);

    assertTrue(banner.contains("\nrbx_secret\n"), banner);
    assertTrue(banner.contains("It will not be shown again"), banner);
  }
}
