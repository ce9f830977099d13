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
import java.util.concurrent.atomic.AtomicReference;
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
    ResilientChannel channel = resilient(fake(Outcome::done), relaxed());

    assertEquals(Outcome.done(), channel.send(NOTIFICATION));
    assertEquals("fake", channel.name());
    assertEquals(CircuitState.CLOSED, channel.circuitState());
  }

  @Test
  void aCallThatOutlivesTheTimeoutIsInterruptedAndRetried() {
    ResilientChannel channel = resilient(sleepsUntilInterrupted(), relaxed().withTimeout(Duration.ofMillis(100)));

    Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> channel.send(NOTIFICATION));

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, outcome);
    assertTrue(retry.reason().contains("timed out"), retry.reason());
    assertTrue(!Thread.currentThread().isInterrupted(), "the caller's interrupt flag must be left clear");
  }

  @Test
  void timeoutsCountAgainstTheChannelAndOpenTheCircuit() {
    ResilientChannel channel = resilient(sleepsUntilInterrupted(), relaxed().withTimeout(Duration.ofMillis(100))
        .withCircuitBreaker(2, Duration.ofSeconds(30)));

    for (int i = 0; i < 2; i++) {
      assertInstanceOf(Outcome.Retry.class, assertTimeoutPreemptively(Duration.ofSeconds(5), () -> channel.send(NOTIFICATION)));
    }

    assertEquals(CircuitState.OPEN, channel.circuitState(), "the timeout's own interrupt is the channel being slow");
  }

  @Test
  void callsInterruptedFromOutsideNeverOpenTheCircuit() throws Exception {
    ResilientChannel channel = resilient(sleepsUntilInterrupted(), relaxed().withCircuitBreaker(2, Duration.ofSeconds(30)));

    for (int i = 0; i < 4; i++) {
      AtomicReference<Outcome> outcome = new AtomicReference<>();
      Thread caller = Thread.ofVirtual().start(() -> outcome.set(channel.send(NOTIFICATION)));
      Thread.sleep(50);
      caller.interrupt(); // as the runner does when the job's lease is lost or the node shuts down
      caller.join(5_000);
      assertInstanceOf(Outcome.Retry.class, outcome.get(), "the job runs again, elsewhere or later");
    }

    assertEquals(CircuitState.CLOSED, channel.circuitState(), "a lost lease is not the channel failing");
    assertEquals(4, calls.get());
  }

  @Test
  void aCallThatEndsLongAfterItsDeadlineMeansThisNodeStalledAndIsNotCounted() {
    // What a resumed SIGSTOP or a long GC pause looks like from inside: the timeout fires late, the call ends late.
    NotificationChannel endsLate = fake(() -> {
      long until = System.nanoTime() + Duration.ofMillis(1_400).toNanos();
      while (System.nanoTime() < until) {
        try {
          Thread.sleep(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
        } catch (InterruptedException e) {
          // ignored on purpose: the call goes on past the timeout's interrupt, as a stalled node's calls do
        }
      }
      return Outcome.retry("late");
    });
    ResilientChannel channel = resilient(endsLate, relaxed().withTimeout(Duration.ofMillis(100))
        .withCircuitBreaker(2, Duration.ofSeconds(30)));

    for (int i = 0; i < 3; i++) {
      Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, channel.send(NOTIFICATION));
      assertTrue(retry.reason().contains("timed out"), retry.reason());
    }

    assertEquals(CircuitState.CLOSED, channel.circuitState());
    assertEquals(3, calls.get(), "each call still reached the channel");
  }

  private NotificationChannel sleepsUntilInterrupted() {
    return fake(() -> {
      try {
        Thread.sleep(10_000);
        return Outcome.done();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Outcome.retry("interrupted");
      }
    });
  }

  @Test
  void anExceptionFromTheChannelBecomesRetry() {
    ResilientChannel channel = resilient(fake(() -> {
      throw new IllegalStateException("boom");
    }), relaxed());

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, channel.send(NOTIFICATION));
    assertTrue(retry.reason().contains("IllegalStateException: boom"), retry.reason());
  }

  @Test
  void circuitOpensAfterConsecutiveFailuresAndDefersUntilTheTrialCallIsDue() {
    ResilientChannel channel = resilient(fake(() -> Outcome.retry("slack 503")),
        relaxed().withCircuitBreaker(3, Duration.ofSeconds(30)));

    for (int i = 0; i < 3; i++) {
      assertInstanceOf(Outcome.Retry.class, channel.send(NOTIFICATION));
    }
    Outcome outcome = channel.send(NOTIFICATION);

    Outcome.Defer defer = assertInstanceOf(Outcome.Defer.class, outcome, "nothing was sent: no attempt is spent");
    assertEquals("circuit open", defer.reason());
    Duration after = defer.after();
    assertTrue(after.compareTo(Duration.ZERO) > 0 && after.compareTo(Duration.ofSeconds(30)) <= 0, after::toString);
    assertEquals(3, calls.get(), "an open circuit must not call the channel");
    assertEquals(CircuitState.OPEN, channel.circuitState());
  }

  @Test
  void exceptionsCountAsFailuresButPermanentFailsDoNot() {
    ResilientChannel failing = resilient(fake(() -> Outcome.fail("slack rejected 404: no_service")),
        relaxed().withCircuitBreaker(2, Duration.ofSeconds(30)));
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(Outcome.Fail.class, failing.send(NOTIFICATION));
    }
    assertEquals(CircuitState.CLOSED, failing.circuitState());

    ResilientChannel throwing = resilient(fake(() -> {
      throw new IllegalStateException("boom");
    }), relaxed().withCircuitBreaker(2, Duration.ofSeconds(30)));
    throwing.send(NOTIFICATION);
    throwing.send(NOTIFICATION);
    assertEquals(CircuitState.OPEN, throwing.circuitState());
  }

  @Test
  void halfOpenCircuitClosesAfterASuccessfulTrialCall() throws InterruptedException {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    ResilientChannel channel = resilient(
        fake(() -> failuresLeft.getAndDecrement() > 0 ? Outcome.retry("slack 503") : Outcome.done()),
        relaxed().withCircuitBreaker(2, Duration.ofSeconds(1)));
    channel.send(NOTIFICATION);
    channel.send(NOTIFICATION);
    assertEquals(CircuitState.OPEN, channel.circuitState());

    // The breaker's delay is 1 s (long enough that a stalled test still sees it open); wait for it, up to 10 s.
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (channel.circuitState() != CircuitState.HALF_OPEN && System.nanoTime() < giveUpAt) {
      Thread.sleep(20);
    }
    assertEquals(CircuitState.HALF_OPEN, channel.circuitState());
    assertEquals(Outcome.done(), channel.send(NOTIFICATION));
    assertEquals(CircuitState.CLOSED, channel.circuitState());
  }

  @Test
  void aCallBeyondTheBurstIsDeferredToThePermitReservedForItAndGetsItThen() {
    ResilientChannel channel = resilient(fake(Outcome::done), relaxed().withRateLimit(2, 2, Duration.ZERO));
    Notification third = notification();

    assertEquals(Outcome.done(), channel.send(notification()));
    assertEquals(Outcome.done(), channel.send(notification()));
    Outcome.Defer defer = assertInstanceOf(Outcome.Defer.class, channel.send(third), "refused locally: not a failure");
    assertTrue(defer.reason().startsWith("rate limited"), defer.reason());
    assertEquals(Duration.ofMillis(500), defer.after(), "the next permit at 2/s");
    Outcome.Defer fourth = assertInstanceOf(Outcome.Defer.class, channel.send(notification()));
    assertEquals(Duration.ofSeconds(1), fourth.after(), "the one after it: waiting calls are spread out, not herded");
    assertEquals(2, calls.get(), "refusals never reach the channel");

    clock.advance(Duration.ofMillis(499));
    assertInstanceOf(Outcome.Defer.class, channel.send(third), "too early: still deferred");
    clock.advance(Duration.ofMillis(1));
    assertEquals(Outcome.done(), channel.send(third), "its reserved permit is due: it goes, ahead of newcomers");
    assertEquals(3, calls.get());
    assertEquals(CircuitState.CLOSED, channel.circuitState(), "being rate limited is not the channel failing");
  }

  @Test
  void refusalsNeverOpenTheCircuit() {
    ResilientChannel channel = resilient(fake(Outcome::done),
        relaxed().withRateLimit(1, 1, Duration.ZERO).withCircuitBreaker(2, Duration.ofSeconds(30)));
    channel.send(notification());
    for (int i = 0; i < 10; i++) {
      assertInstanceOf(Outcome.Defer.class, channel.send(notification()));
    }
    assertEquals(CircuitState.CLOSED, channel.circuitState());
  }

  @Test
  void aSendWhoseJobLeaseRanOutWhileItWaitedForASlotIsNotMade() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ResilientChannel channel = resilient(fake(() -> {
      calls.incrementAndGet();
      return heldUntil(entered, release);
    }), relaxed().withBulkhead(1, Duration.ofSeconds(10)));
    Instant leaseEnds = clock.instant().plusSeconds(30);
    Notification waiting = new Notification(UUID.randomUUID(), "sales", "help", "{}", clock.instant(), "c-2", "", leaseEnds);

    CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(() -> channel.send(notification()));
    assertTrue(entered.await(5, TimeUnit.SECONDS));
    CompletableFuture<Outcome> second = CompletableFuture.supplyAsync(() -> channel.send(waiting));
    Thread.sleep(100); // the second call waits for the only slot
    clock.advance(Duration.ofSeconds(40)); // as a SIGSTOP past the lease would, while it waits
    release.countDown();

    Outcome.Defer deferred = assertInstanceOf(Outcome.Defer.class, second.get(5, TimeUnit.SECONDS),
        "another node may have taken the job over and sent it");
    assertTrue(deferred.reason().contains("lease ran out"), deferred.reason());
    assertEquals(Outcome.done(), first.get(5, TimeUnit.SECONDS));
    assertEquals(1, calls.get(), "only the first call reached the channel");
    assertEquals(Outcome.done(), channel.send(new Notification(UUID.randomUUID(), "sales", "help", "{}", clock.instant(), "c-3",
        "", clock.instant().plusSeconds(30))), "a send within its lease goes");
  }

  /** With a wait, too: Failsafe 3.3.2's own Bulkhead loses a slot each time such a wait times out (#393). */
  @ParameterizedTest
  @ValueSource(longs = {0, 50})
  void bulkheadRefusesCallsBeyondMaxConcurrencyAndGetsItsSlotBack(long maxWaitMillis) throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ResilientChannel channel = resilient(fake(() -> heldUntil(entered, release)),
        relaxed().withBulkhead(1, Duration.ofMillis(maxWaitMillis)));

    CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(() -> channel.send(NOTIFICATION));
    assertTrue(entered.await(5, TimeUnit.SECONDS));
    Outcome second = channel.send(NOTIFICATION);
    release.countDown();

    Outcome.Defer deferred = assertInstanceOf(Outcome.Defer.class, second, "nothing was sent: no attempt is spent");
    assertTrue(deferred.reason().startsWith("bulkhead full"), deferred.reason());
    assertEquals(Duration.ofSeconds(5), deferred.after(), "by one timeout a call in flight has ended");
    assertEquals(Outcome.done(), first.get(5, TimeUnit.SECONDS));
    assertEquals(Outcome.done(), channel.send(NOTIFICATION), "the slot is free again");
    assertEquals(Outcome.done(), channel.send(NOTIFICATION), "and stays free");
    assertEquals(CircuitState.CLOSED, channel.circuitState());
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  private ResilientChannel resilient(NotificationChannel channel, ResilienceSettings settings) {
    return new ResilientChannel(channel, settings, new LocalSendPermits(clock), clock);
  }

  /** A call that says it has begun, then holds its slot until released (at most 5 s), and succeeds. */
  private static Outcome heldUntil(CountDownLatch entered, CountDownLatch release) {
    entered.countDown();
    try {
      release.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Outcome.done();
  }

  private static Notification notification() {
    return new Notification(UUID.randomUUID(), "sales", "help", "{}", Instant.parse("2026-03-01T10:00:00Z"), "c-1");
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
