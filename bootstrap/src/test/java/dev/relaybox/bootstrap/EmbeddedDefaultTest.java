package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no DATABASE_URL, Relaybox runs on an embedded PostgreSQL whose data outlives the process. */
class EmbeddedDefaultTest {

  @Test
  void issuesOneKeyOnFirstStartAndKeepsItsDataAcrossRestarts(@TempDir Path dataDir) {
    Map<String, String> env = Map.of(
        "RELAYBOX_DATA_DIR", dataDir.toString(),
        "RELAYBOX_HTTP_HOST", "127.0.0.1",
        "RELAYBOX_HTTP_PORT", "0",
        "RELAYBOX_SHUTDOWN_GRACE", "2s");

    String key;
    try (Relaybox first = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC())) {
      key = first.firstApiKey().orElseThrow(() -> new AssertionError("first start should issue a key"));
      assertTrue(key.startsWith("rbx_"));
      assertEquals(200, new TestApi(first.httpPort(), key).get("/admin/stats").statusCode());
    }
    assertTrue(dataDir.resolve("postgres").resolve("PG_VERSION").toFile().exists());

    try (Relaybox second = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC())) {
      assertTrue(second.firstApiKey().isEmpty(), "a restart must not issue another key");
      var api = new TestApi(second.httpPort(), key);
      assertEquals(200, api.get("/health/ready").statusCode());
      assertEquals(200, api.get("/admin/stats").statusCode(), "the stored key hash survived the restart");
    }
  }
}
