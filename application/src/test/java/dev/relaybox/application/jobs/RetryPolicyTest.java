package dev.relaybox.application.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), 8);

  @Test
  void ceilingDoublesFromBaseUntilTheCap() {
    assertEquals(100, policy.ceilingMillis(1));
    assertEquals(200, policy.ceilingMillis(2));
    assertEquals(400, policy.ceilingMillis(3));
    assertEquals(800, policy.ceilingMillis(4));
    assertEquals(1_600, policy.ceilingMillis(5));
    assertEquals(2_000, policy.ceilingMillis(6));
    assertEquals(2_000, policy.ceilingMillis(7));
  }

  @Test
  void ceilingStaysAtTheCapForHugeAttemptNumbersWithoutOverflowing() {
    assertEquals(2_000, policy.ceilingMillis(1_000_000));
    RetryPolicy wide = new RetryPolicy(Duration.ofMillis(1), Duration.ofDays(365), 100);
    assertEquals(Duration.ofDays(365).toMillis(), wide.ceilingMillis(Integer.MAX_VALUE));
  }

  @Test
  void fullJitterDrawsUniformlyBetweenZeroAndTheCappedCeiling() {
    SplittableRandom random = new SplittableRandom(7);
    for (int attempt = 1; attempt <= 10; attempt++) {
      long ceiling = Math.min(2_000, 100L << (attempt - 1));
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < 5_000; i++) {
        long delay = policy.delayAfter(attempt, Optional.empty(), random).toMillis();
        assertTrue(delay >= 0 && delay <= ceiling, "attempt " + attempt + " drew " + delay + " outside [0, " + ceiling + "]");
        min = Math.min(min, delay);
        max = Math.max(max, delay);
      }
      // Full jitter, not "ceiling plus a little": the draws cover the whole range.
      assertTrue(min <= ceiling / 20, "attempt " + attempt + " never drew near zero (min " + min + ")");
      assertTrue(max >= ceiling - ceiling / 20, "attempt " + attempt + " never drew near the ceiling (max " + max + ")");
    }
  }

  @Test
  void sameSeedGivesTheSameSchedule() {
    SplittableRandom a = new SplittableRandom(42);
    SplittableRandom b = new SplittableRandom(42);
    for (int attempt = 1; attempt <= 8; attempt++) {
      assertEquals(policy.delayAfter(attempt, Optional.empty(), a), policy.delayAfter(attempt, Optional.empty(), b));
    }
  }

  @Test
  void requestedDelayWinsOverTheBackoffEvenAboveTheCap() {
    SplittableRandom random = new SplittableRandom(1);
    assertEquals(Duration.ofSeconds(90), policy.delayAfter(1, Optional.of(Duration.ofSeconds(90)), random));
    assertEquals(Duration.ofMillis(1), policy.delayAfter(5, Optional.of(Duration.ofMillis(1)), random));
  }

  @Test
  void negativeRequestedDelayMeansNow() {
    assertEquals(Duration.ZERO, policy.delayAfter(3, Optional.of(Duration.ofSeconds(-5)), new SplittableRandom(1)));
  }

  @Test
  void exhaustedOnceTheAttemptReachesMaxAttempts() {
    assertFalse(policy.exhausted(1));
    assertFalse(policy.exhausted(7));
    assertTrue(policy.exhausted(8));
    assertTrue(policy.exhausted(9));
    assertTrue(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 1).exhausted(1));
  }

  @Test
  void rejectsNonsensicalSettings() {
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 3));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ofSeconds(-1), Duration.ofSeconds(1), 3));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 3));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
    assertThrows(NullPointerException.class, () -> new RetryPolicy(null, Duration.ofSeconds(1), 3));
  }

  @Test
  void defaultsAreOneSecondTenMinutesTenAttempts() {
    RetryPolicy defaults = RetryPolicy.defaults();
    assertEquals(Duration.ofSeconds(1), defaults.base());
    assertEquals(Duration.ofMinutes(10), defaults.cap());
    assertEquals(10, defaults.maxAttempts());
  }
}
