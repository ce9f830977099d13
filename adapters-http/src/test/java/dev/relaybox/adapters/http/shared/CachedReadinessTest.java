package dev.relaybox.adapters.http.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedReadinessTest {
  private final AtomicLong now = new AtomicLong();

  /** Runs the check on the caller's thread: the answer is never late, so only caching is under test. */
  private CachedReadiness cached(ReadinessCheck check) {
    return new CachedReadiness(check, Duration.ofMillis(500), Duration.ofMillis(200), Runnable::run, now::get);
  }

  /** Runs the check on a thread of its own, as the server does, so a hanging check meets the 200 ms bound. */
  private CachedReadiness cachedOnItsOwnThread(ReadinessCheck check) {
    return new CachedReadiness(check, Duration.ofMillis(500), Duration.ofMillis(200),
        runnable -> Thread.ofVirtual().start(runnable), now::get);
  }

  @Test
  void aHangingDatabaseMakesTheNodeNotReadyWithinTheBoundInsteadOfHoldingTheProbe() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CachedReadiness readiness = cachedOnItsOwnThread(() -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    });

    long started = System.nanoTime();
    Optional<String> answer = readiness.problem();

    assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
    assertEquals(Optional.of("the database did not answer within 200 ms"), answer);
    release.countDown();
  }

  @Test
  void reusesAnAnswerForAWhileThenChecksAgain() {
    AtomicInteger checks = new AtomicInteger();
    CachedReadiness readiness = cached(() -> {
      checks.incrementAndGet();
      return Optional.empty();
    });

    assertEquals(Optional.empty(), readiness.problem());
    now.addAndGet(Duration.ofMillis(100).toNanos());
    assertEquals(Optional.empty(), readiness.problem());
    assertEquals(1, checks.get(), "a probe within 500 ms reuses the last answer");

    now.addAndGet(Duration.ofMillis(600).toNanos());
    readiness.problem();
    assertEquals(2, checks.get());
  }

  @Test
  void aFailingCheckIsNotReadyWithItsReason() {
    CachedReadiness readiness = cached(() -> Optional.of("database unavailable: refused"));

    assertEquals(Optional.of("database unavailable: refused"), readiness.problem());
  }
}
