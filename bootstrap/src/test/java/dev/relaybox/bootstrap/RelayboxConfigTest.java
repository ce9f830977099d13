package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayboxConfigTest {

  @Test
  void hasSafeDefaults() {
    RelayboxConfig config = RelayboxConfig.from(Map.of());
    assertTrue(config.embeddedDatabase());
    assertEquals(8080, config.httpPort());
    assertEquals("0.0.0.0", config.httpHost());
    assertEquals(64 * 1024, config.maxBodyBytes());
    assertEquals(Duration.ofSeconds(25), config.shutdownGrace());
    assertEquals(Duration.ofDays(7), config.retention());
    assertEquals("text", config.logFormat());
  }

  @Test
  void readsDurationsInShortAndIsoForm() {
    RelayboxConfig config = RelayboxConfig.from(Map.of("RELAYBOX_SHUTDOWN_GRACE", "500ms", "RELAYBOX_RETENTION", "P3D"));
    assertEquals(Duration.ofMillis(500), config.shutdownGrace());
    assertEquals(Duration.ofDays(3), config.retention());
  }

  @Test
  void namesTheVariableThatIsWrong() {
    var e = assertThrows(ConfigException.class, () -> RelayboxConfig.from(Map.of("RELAYBOX_HTTP_PORT", "eighty")));
    assertTrue(e.getMessage().contains("RELAYBOX_HTTP_PORT"));
    e = assertThrows(ConfigException.class, () -> RelayboxConfig.from(Map.of("RELAYBOX_LOG_FORMAT", "xml")));
    assertTrue(e.getMessage().contains("RELAYBOX_LOG_FORMAT"));
    e = assertThrows(ConfigException.class, () -> RelayboxConfig.from(Map.of("RELAYBOX_API_KEYS", "short")));
    assertTrue(e.getMessage().contains("at least 16"));
  }

  @Test
  void aKeysBurstIsFiveSecondsOfItsRateUnlessSetAndKeysAreNotReloadedMoreOftenThanTenTimesASecond() {
    assertEquals(1_000, AbuseLimits.from(Map.of(), 2_000).keyLimits().requestBurst());
    assertEquals(100, AbuseLimits.from(Map.of("RELAYBOX_API_RATE", "20"), 2_000).keyLimits().requestBurst());
    assertEquals(7, AbuseLimits.from(Map.of("RELAYBOX_API_BURST", "7"), 2_000).keyLimits().requestBurst());
    var e = assertThrows(ConfigException.class, () -> AbuseLimits.from(Map.of("RELAYBOX_KEY_REFRESH", "10ms"), 2_000));
    assertTrue(e.getMessage().contains("RELAYBOX_KEY_REFRESH must be at least 100ms"), e.getMessage());
  }

  @Test
  void aNodeAcceptsHalfItsOpenFileLimitInConnectionsAtMostTenThousandAndOneAddressAThousandAndTwentyFour() {
    long files = ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getMaxFileDescriptorCount();
    assertEquals(Math.max(1, Math.min(10_000, files / 2)), AbuseLimits.from(Map.of(), 2_000).maxConnections());
    assertEquals(1_024, AbuseLimits.from(Map.of(), 2_000).maxConnectionsPerAddress());
    assertEquals(50, AbuseLimits.from(Map.of("RELAYBOX_HTTP_MAX_CONNECTIONS", "50"), 2_000).maxConnections());
    assertThrows(ConfigException.class, () -> AbuseLimits.from(Map.of("RELAYBOX_HTTP_MAX_CONNECTIONS", "0"), 2_000));
  }

  @Test
  void theBatchWindowIsTwentyFiveMillisecondsUnlessSetAndZeroTurnsItOffButASecondIsTheMost() {
    assertEquals(Duration.ofMillis(25), RelayboxConfig.from(Map.of()).batchWindow());
    assertEquals(Duration.ZERO, RelayboxConfig.from(Map.of("RELAYBOX_BATCH_WINDOW", "0ms")).batchWindow());
    var e = assertThrows(ConfigException.class, () -> RelayboxConfig.from(Map.of("RELAYBOX_BATCH_WINDOW", "2s")));
    assertTrue(e.getMessage().contains("RELAYBOX_BATCH_WINDOW must be at most 1000ms"), e.getMessage());
  }

  @Test
  void aNodeRunsUpTo128DeliveriesAtOnceUnlessSetBetweenOneAndAThousand() {
    assertEquals(128, RelayboxConfig.from(Map.of()).assistanceConcurrency());
    assertEquals(16, RelayboxConfig.from(Map.of("RELAYBOX_ASSISTANCE_CONCURRENCY", "16")).assistanceConcurrency());
    var e = assertThrows(ConfigException.class, () -> RelayboxConfig.from(Map.of("RELAYBOX_ASSISTANCE_CONCURRENCY", "0")));
    assertTrue(e.getMessage().contains("RELAYBOX_ASSISTANCE_CONCURRENCY"), e.getMessage());
  }

  @Test
  void aNegativeDurationIsRefusedAsNegativeInEitherNotation() {
    for (String negative : List.of("-5ms", "-PT5S")) {
      var e = assertThrows(ConfigException.class, () -> RelayboxConfig.from(Map.of("RELAYBOX_BATCH_WINDOW", negative)));
      assertEquals("RELAYBOX_BATCH_WINDOW must not be negative, got '" + negative + "'", e.getMessage());
    }
  }

  @Test
  void neverPrintsKeysOrTheDatabaseUrl() {
    String printed = RelayboxConfig.from(Map.of(
        "DATABASE_URL", "postgres://app:hunter2hunter2@db/relay",
        "RELAYBOX_API_KEYS", "sekrit-api-key-0123456789")).toString();
    assertFalse(printed.contains("hunter2"));
    assertFalse(printed.contains("sekrit"));
  }
}
