package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A payload written as JSON, stored as jsonb (which reorders keys and adds spaces) and read back is the same record. */
class JacksonPayloadsTest {
  private static Engine engine;
  private static JacksonPayloads payloads;

  record Step(UUID transactionId, String step) {
    Step {
      Objects.requireNonNull(transactionId, "transactionId");
    }
  }

  @BeforeAll
  static void startEngine() {
    engine = Engine.fresh();
    payloads = new JacksonPayloads(engine.json);
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  private static String throughJsonb(String payload) {
    long id = engine.unitOfWork.inTransaction(() -> engine.jobs.enqueue(EnqueueJob.of("payloads.test", payload)).orElseThrow());
    return engine.jdbi.withHandle(h -> h.createQuery("SELECT payload::text FROM job WHERE id = :id").bind("id", id)
        .mapTo(String.class).one());
  }

  @Test
  void aRecordComesBackFromJsonbAsWritten() {
    Step written = new Step(UUID.randomUUID(), "quote \" backslash \\ newline \n and ünïcödé");
    assertEquals(written, payloads.read(throughJsonb(payloads.write(written)), Step.class));
  }

  @Test
  void fieldsThePayloadTypeDoesNotNameAreIgnoredAndMissingOnesAreNull() {
    UUID id = UUID.randomUUID();
    Step read = payloads.read("{\"extra\": [1, 2], \"transactionId\": \"" + id + "\"}", Step.class);
    assertEquals(id, read.transactionId());
    assertNull(read.step());
  }

  @Test
  void aPayloadThatDoesNotFitIsAnIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> payloads.read("{\"step\": \"hold\"}", Step.class));
    assertThrows(IllegalArgumentException.class, () -> payloads.read("{\"transactionId\": \"not-a-uuid\"}", Step.class));
    assertThrows(IllegalArgumentException.class, () -> payloads.read("{", Step.class));
  }

  @Test
  void mapsKeepTheirOrderAndNullsAndRecordsTheirComponentOrder() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("b", 1);
    document.put("a", null);
    document.put("data", new Step(new UUID(0, 1), "apply"));
    assertEquals("{\"b\":1,\"a\":null,\"data\":{\"transactionId\":\"00000000-0000-0000-0000-000000000001\",\"step\":\"apply\"}}",
        payloads.write(document));
  }
}
