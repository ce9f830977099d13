package dev.relaybox.adapters.notify.resilience;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RateLimitExceededException;
import dev.failsafe.RateLimiter;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts limits around any channel. From the outside in: a bulkhead, a Failsafe rate limiter, a Failsafe circuit
 * breaker and a Failsafe timeout that interrupts the call; while the circuit is open, calls are answered before they
 * take a slot or a rate permit. The breaker sits inside the limiters so that their refusals never reach it: Failsafe
 * would record them as successes and could close a half-open circuit without a real trial call.
 *
 * <p>The bulkhead is a fair {@link Semaphore}, not Failsafe's {@code Bulkhead}: in Failsafe 3.3.2 a synchronous
 * {@code Bulkhead} whose wait for a slot times out leaves its waiter queued, and the next released slot goes to that
 * abandoned waiter, so every "bulkhead full" loses a slot for good (failsafe-lib/failsafe#393, fix pending in #400).
 *
 * <p>Every refusal becomes a
 * {@code Retry}: "circuit open" with the time left before a trial call, "rate limited" after about a second,
 * "bulkhead full", or a timeout. An exception thrown by the channel also becomes a {@code Retry}: this decorator
 * never throws.
 *
 * <p>The circuit counts {@code Retry} outcomes, exceptions and timeouts as failures. {@code Fail} is not one: it is
 * about one message (or a broken route, which retrying cannot fix) and its job dies at once anyway.
 *
 * <p>The timeout runs on the caller's thread: the call is interrupted, and the outcome is known once the channel
 * gives up. {@code HttpClient} calls stop on interrupt; for blocking sockets (SMTP) the channel's own socket
 * timeouts bound the wait.
 */
public final class ResilientChannel implements NotificationChannel {

  static final Duration RATE_LIMITED_RETRY_AFTER = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(ResilientChannel.class);

  private final NotificationChannel delegate;
  private final ResilienceSettings settings;
  private final CircuitBreaker<Outcome> circuitBreaker;
  private final Semaphore slots;
  private final FailsafeExecutor<Outcome> executor;

  public ResilientChannel(NotificationChannel delegate, ResilienceSettings settings) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.settings = Objects.requireNonNull(settings, "settings");
    String name = delegate.name();
    this.circuitBreaker = CircuitBreaker.<Outcome>builder()
        .handleIf((outcome, failure) -> failure != null || outcome instanceof Outcome.Retry)
        .withFailureThreshold(settings.failureThreshold())
        .withSuccessThreshold(1)
        .withDelay(settings.openDelay())
        .onOpen(e -> log.warn("Channel {}: circuit opened after {} consecutive failures; trial call in {}", name,
            settings.failureThreshold(), settings.openDelay()))
        .onHalfOpen(e -> log.info("Channel {}: circuit half-open, letting one trial call through", name))
        .onClose(e -> log.info("Channel {}: circuit closed", name))
        .build();
    RateLimiter<Outcome> rateLimiter = rateLimiter(settings);
    this.slots = new Semaphore(settings.maxConcurrency(), true);
    Timeout<Outcome> timeout = Timeout.<Outcome>builder(settings.timeout()).withInterrupt().build();
    this.executor = Failsafe.with(List.of(rateLimiter, circuitBreaker, timeout));
  }

  /** Wraps a channel with the limits read from {@code RELAYBOX_<NAME>_*} (see {@link ResilienceSettings}). */
  public static ResilientChannel wrap(NotificationChannel delegate, ChannelSettings settings) {
    return new ResilientChannel(delegate, ResilienceSettings.fromEnvironment(delegate.name(), settings));
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Outcome send(Notification notification) {
    if (circuitState() == CircuitState.OPEN) {
      return circuitOpen();
    }
    try {
      if (!slots.tryAcquire(settings.bulkheadMaxWait().toNanos(), TimeUnit.NANOSECONDS)) {
        return Outcome.retry("bulkhead full");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retry(name() + " call interrupted");
    }
    try {
      return limited(notification);
    } finally {
      slots.release();
    }
  }

  private Outcome limited(Notification notification) {
    try {
      Outcome outcome = executor.get(() -> delegate.send(notification));
      return outcome != null ? outcome : Outcome.retry(name() + " returned no outcome");
    } catch (CircuitBreakerOpenException e) {
      return circuitOpen();
    } catch (RateLimitExceededException e) {
      return Outcome.retryAfter(RATE_LIMITED_RETRY_AFTER, "rate limited");
    } catch (TimeoutExceededException e) {
      return Outcome.retry(name() + " timed out after " + settings.timeout().toMillis() + " ms");
    } catch (FailsafeException e) {
      // a checked exception from the channel, or the caller interrupted while waiting for a rate permit
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return Outcome.retry(name() + " call interrupted");
      }
      return thrown(cause);
    } catch (RuntimeException e) {
      return thrown(e);
    }
  }

  /** Closed, open or half-open; an open circuit whose delay has run out reports half-open. */
  public CircuitState circuitState() {
    return switch (circuitBreaker.getState()) {
      case CLOSED -> CircuitState.CLOSED;
      case HALF_OPEN -> CircuitState.HALF_OPEN;
      case OPEN -> circuitBreaker.getRemainingDelay().isZero() ? CircuitState.HALF_OPEN : CircuitState.OPEN;
    };
  }

  public ResilienceSettings settings() {
    return settings;
  }

  public NotificationChannel delegate() {
    return delegate;
  }

  private Outcome thrown(Throwable failure) {
    log.warn("Channel {} threw instead of returning an outcome", name(), failure);
    return Outcome.retry(name() + " threw " + failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
  }

  /** Retry once the circuit lets a trial call through (no hint while half-open: the trial is already running). */
  private Outcome circuitOpen() {
    Duration left = circuitBreaker.getRemainingDelay();
    return new Outcome.Retry(left.isZero() || left.isNegative() ? Optional.empty() : Optional.of(left),
        "circuit open");
  }

  private static RateLimiter<Outcome> rateLimiter(ResilienceSettings s) {
    long nanosPerPermit = Math.max(1, Math.round(1_000_000_000d / s.maxPerSecond()));
    var builder = s.burst() <= 1
        ? RateLimiter.<Outcome>smoothBuilder(Duration.ofNanos(nanosPerPermit))
        : RateLimiter.<Outcome>burstyBuilder(s.burst(), Duration.ofNanos(nanosPerPermit * s.burst()));
    return builder.withMaxWaitTime(s.rateLimitMaxWait()).build();
  }
}
