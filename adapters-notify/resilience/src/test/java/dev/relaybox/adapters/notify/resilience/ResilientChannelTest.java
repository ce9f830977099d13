package dev.relaybox.adapters.notify.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResilientChannelTest {

  private static final Notification NOTIFICATION =
      new Notification(UUID.randomUUID(), "sales", "help", "{}", Instant.parse("2026-03-01T10:00:00Z"), "c-1");

  private final AtomicInteger calls = new AtomicInteger();

  @Test
  void passesOutcomesThroughAndKeepsTheName() {
    ResilientChannel channel = new ResilientChannel(fake(Outcome::done), relaxed());

    assertEquals(Outcome.done(), channel.send(NOTIFICATION));
    assertEquals("fake", channel.name());
    assertEquals(CircuitState.CLOSED, channel.circuitState());
  }

  @Test
  void aCallThatOutlivesTheTimeoutIsInterruptedAndRetried() {
    NotificationChannel slow = fake(() -> {
      try {
        Thread.sleep(10_000);
        return Outcome.done();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Outcome.retry("interrupted");
      }
    });
    ResilientChannel channel = new ResilientChannel(slow, relaxed().withTimeout(Duration.ofMillis(100)));

    Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> channel.send(NOTIFICATION));

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, outcome);
    assertTrue(retry.reason().contains("timed out"), retry.reason());
    assertTrue(!Thread.currentThread().isInterrupted(), "the caller's interrupt flag must be left clear");
  }

  @Test
  void anExceptionFromTheChannelBecomesRetry() {
    ResilientChannel channel = new ResilientChannel(fake(() -> {
      throw new IllegalStateException("boom");
    }), relaxed());

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, channel.send(NOTIFICATION));
    assertTrue(retry.reason().contains("IllegalStateException: boom"), retry.reason());
  }

  @Test
  void circuitOpensAfterConsecutiveFailuresAndShortCircuitsWithRetryAfter() {
    ResilientChannel channel = new ResilientChannel(fake(() -> Outcome.retry("slack 503")),
        relaxed().withCircuitBreaker(3, Duration.ofSeconds(30)));

    for (int i = 0; i < 3; i++) {
      assertInstanceOf(Outcome.Retry.class, channel.send(NOTIFICATION));
    }
    Outcome outcome = channel.send(NOTIFICATION);

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, outcome);
    assertEquals("circuit open", retry.reason());
    Duration after = retry.after().orElseThrow();
    assertTrue(after.compareTo(Duration.ZERO) > 0 && after.compareTo(Duration.ofSeconds(30)) <= 0, after::toString);
    assertEquals(3, calls.get(), "an open circuit must not call the channel");
    assertEquals(CircuitState.OPEN, channel.circuitState());
  }

  @Test
  void exceptionsCountAsFailuresButPermanentFailsDoNot() {
    ResilientChannel failing = new ResilientChannel(fake(() -> Outcome.fail("slack rejected 404: no_service")),
        relaxed().withCircuitBreaker(2, Duration.ofSeconds(30)));
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(Outcome.Fail.class, failing.send(NOTIFICATION));
    }
    assertEquals(CircuitState.CLOSED, failing.circuitState());

    ResilientChannel throwing = new ResilientChannel(fake(() -> {
      throw new IllegalStateException("boom");
    }), relaxed().withCircuitBreaker(2, Duration.ofSeconds(30)));
    throwing.send(NOTIFICATION);
    throwing.send(NOTIFICATION);
    assertEquals(CircuitState.OPEN, throwing.circuitState());
  }

  @Test
  void halfOpenCircuitClosesAfterASuccessfulTrialCall() throws InterruptedException {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    ResilientChannel channel = new ResilientChannel(
        fake(() -> failuresLeft.getAndDecrement() > 0 ? Outcome.retry("slack 503") : Outcome.done()),
        relaxed().withCircuitBreaker(2, Duration.ofMillis(50)));
    channel.send(NOTIFICATION);
    channel.send(NOTIFICATION);
    assertEquals(CircuitState.OPEN, channel.circuitState());

    Thread.sleep(150);

    assertEquals(CircuitState.HALF_OPEN, channel.circuitState());
    assertEquals(Outcome.done(), channel.send(NOTIFICATION));
    assertEquals(CircuitState.CLOSED, channel.circuitState());
  }

  @Test
  void rateLimiterAtTwoPerSecondRefusesTheThirdImmediateCall() {
    ResilientChannel channel = new ResilientChannel(fake(Outcome::done), relaxed().withRateLimit(2, 2, Duration.ZERO));

    assertEquals(Outcome.done(), channel.send(NOTIFICATION));
    assertEquals(Outcome.done(), channel.send(NOTIFICATION));
    Outcome third = channel.send(NOTIFICATION);

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, third);
    assertEquals("rate limited", retry.reason());
    assertEquals(ResilientChannel.RATE_LIMITED_RETRY_AFTER, retry.after().orElseThrow());
    assertEquals(2, calls.get());
    assertEquals(CircuitState.CLOSED, channel.circuitState(), "being rate limited is not the channel failing");
  }

  /** With a wait, too: Failsafe 3.3.2's own Bulkhead loses a slot each time such a wait times out (#393). */
  @ParameterizedTest
  @ValueSource(longs = {0, 50})
  void bulkheadRefusesCallsBeyondMaxConcurrencyAndGetsItsSlotBack(long maxWaitMillis) throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ResilientChannel channel = new ResilientChannel(fake(() -> {
      entered.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Outcome.done();
    }), relaxed().withBulkhead(1, Duration.ofMillis(maxWaitMillis)));

    CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(() -> channel.send(NOTIFICATION));
    assertTrue(entered.await(5, TimeUnit.SECONDS));
    Outcome second = channel.send(NOTIFICATION);
    release.countDown();

    assertEquals(Outcome.retry("bulkhead full"), second);
    assertEquals(Outcome.done(), first.get(5, TimeUnit.SECONDS));
    assertEquals(Outcome.done(), channel.send(NOTIFICATION), "the slot is free again");
    assertEquals(Outcome.done(), channel.send(NOTIFICATION), "and stays free");
    assertEquals(CircuitState.CLOSED, channel.circuitState());
  }

  private NotificationChannel fake(Supplier<Outcome> behaviour) {
    return new NotificationChannel() {
      @Override
      public String name() {
        return "fake";
      }

      @Override
      public Outcome send(Notification notification) {
        calls.incrementAndGet();
        return behaviour.get();
      }
    };
  }

  /** Limits loose enough that only the one under test can bite. */
  private static ResilienceSettings relaxed() {
    return new ResilienceSettings(Duration.ofSeconds(5), 1000, 1000, Duration.ofSeconds(1), 8,
        Duration.ofSeconds(1), 5, Duration.ofSeconds(30));
  }
}
