package dev.relaybox.application.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackendRetryScheduleTest {

  @Test
  void followsTheStandardWebhooksScheduleWithTenPercentJitterThenRunsOut() {
    var schedule = BackendRetrySchedule.standard(1);
    var random = new SplittableRandom(7);
    for (int failure = 1; failure <= 7; failure++) {
      long expected = BackendRetrySchedule.STANDARD.get(failure - 1).toMillis();
      long actual = schedule.after(failure, random).orElseThrow().toMillis();
      assertTrue(actual >= expected * 0.9 && actual <= expected * 1.1, failure + ": " + actual);
    }
    assertEquals(Optional.empty(), schedule.after(8, random));
    assertEquals(Optional.empty(), schedule.after(0, random));
  }

  @Test
  void scaleShrinksEveryDelayForTests() {
    var schedule = BackendRetrySchedule.standard(0.001);
    long thirtyMinutes = schedule.after(3, new SplittableRandom(1)).orElseThrow().toMillis();
    assertTrue(thirtyMinutes >= 1_620 && thirtyMinutes <= 1_980, Long.toString(thirtyMinutes));
    assertEquals(Duration.ofMillis(60), schedule.whileDisabled());
  }
}
