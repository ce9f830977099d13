package dev.relaybox.application.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relaybox.application.jobs.ClaimedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PaymentJobsTest {

  private static ClaimedJob job(String payload) {
    return new ClaimedJob(1, PaymentJobs.BALANCE, Optional.empty(), Optional.empty(), Optional.empty(), payload, Map.of(), 1, 1L, Instant.EPOCH);
  }

  @Test
  void readsAPayloadAsWrittenAndAsJsonbGivesItBack() {
    UUID id = UUID.randomUUID();
    var written = PaymentJobs.hold(id, UUID.randomUUID());
    assertEquals(new PaymentJobs.Payload(id, "hold"), PaymentJobs.read(job(written.payloadJson())));
    assertEquals(new PaymentJobs.Payload(id, "apply"),
        PaymentJobs.read(job("{\"step\": \"apply\", \"transactionId\": \"" + id + "\"}")));
    assertEquals(new PaymentJobs.Payload(id, ""), PaymentJobs.read(job(PaymentJobs.create(id).payloadJson())));
  }

  @Test
  void pollsWaitLongerUpToTheCap() {
    PaymentSettings s = PaymentSettings.defaults();
    assertEquals(Duration.ofSeconds(1), s.pollDelayAfter(1));
    assertEquals(Duration.ofSeconds(2), s.pollDelayAfter(2));
    assertEquals(Duration.ofSeconds(4), s.pollDelayAfter(3));
    assertEquals(Duration.ofMinutes(5), s.pollDelayAfter(30));
  }
}
