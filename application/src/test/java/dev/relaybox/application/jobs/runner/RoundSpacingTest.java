package dev.relaybox.application.jobs.runner;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RoundSpacingTest {

  @Test
  void roundsThatComeSoonerWaitOutTheInterval() throws Exception {
    RoundSpacing spacing = new RoundSpacing(Duration.ofMillis(200));
    long start = System.nanoTime();

    spacing.awaitTurn();
    spacing.awaitTurn();
    spacing.awaitTurn();

    long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(elapsedMillis >= 400, "three rounds span at least two intervals, took " + elapsedMillis + " ms");
  }

  @Test
  void theFirstRoundStartsAtOnce() {
    RoundSpacing spacing = new RoundSpacing(Duration.ofHours(1));

    assertTimeoutPreemptively(Duration.ofSeconds(30), spacing::awaitTurn, "no wait before the first round");
  }

  @Test
  void aRoundAfterAQuietIntervalStartsAtOnce() throws Exception {
    RoundSpacing spacing = new RoundSpacing(Duration.ofSeconds(2));
    spacing.awaitTurn();
    Thread.sleep(2_100);

    long start = System.nanoTime();
    spacing.awaitTurn();

    long waitedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(waitedMillis < 2_000, "the interval had passed: no wait, but waited " + waitedMillis + " ms");
  }

  @Test
  void aNegativeIntervalIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RoundSpacing(Duration.ofMillis(-1)));
  }
}
