package dev.relaybox.adapters.notify.resilience;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.port.out.SendPermits;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts limits around any channel. From the outside in: an open-circuit check, a bulkhead, a send permit (the rate
 * limit, from {@link SendPermits}: per node or for the whole fleet), then a Failsafe circuit breaker and a Failsafe
 * timeout that interrupts the call. The breaker sits inside the limiters so that their refusals never reach it: they
 * are not the channel failing, and Failsafe would record them as successes and could close a half-open circuit
 * without a real trial call.
 *
 * <p><b>Back-pressure is not failure.</b> A refusal by the channel's own limits never reached the third party, so it
 * is {@link Outcome.Defer}, which spends no attempt and never falls back: "circuit open" until the trial call is due,
 * "circuit half-open" while the trial runs (for one timeout), "rate limited" until the permit reserved for this
 * request is due (a due time within {@code rateLimitMaxWait} is waited for here), "bulkhead full" for one timeout (by
 * then a call in flight has ended). Only a real call counts: its own outcome, or {@code Retry} for an exception or a
 * timeout. This decorator never throws.
 *
 * <p>The bulkhead is a fair {@link Semaphore}, not Failsafe's {@code Bulkhead}: in Failsafe 3.3.2 a synchronous
 * {@code Bulkhead} whose wait for a slot times out leaves its waiter queued, and the next released slot goes to that
 * abandoned waiter, so every "bulkhead full" loses a slot for good (failsafe-lib/failsafe#393, fix pending in #400).
 * Failsafe's {@code RateLimiter} is not used either: it cannot keep a permit for a caller that comes back later, nor be
 * shared by several nodes.
 *
 * <p>The circuit counts {@code Retry} outcomes, exceptions and timeouts as failures. {@code Fail} is not one: it is
 * about one message (or a broken route, which retrying cannot fix) and its job dies at once anyway. Nor is a call
 * interrupted from outside (its job's lease was lost, an operator cancelled it, the node shuts down), nor a timeout
 * that ended long after its deadline (this node stalled): the channel did nothing wrong, and a node paused past its
 * leases used to open its circuit on its own cut and timed-out calls and then hold every job it claimed until the
 * trial call, while other nodes could have sent them.
 *
 * <p>The timeout runs on the caller's thread: the call is interrupted, and the outcome is known once the channel
 * gives up. {@code HttpClient} calls stop on interrupt; for blocking sockets (SMTP) the channel's own socket
 * timeouts bound the wait.
 */
public final class ResilientChannel implements NotificationChannel {

  private static final Duration PERMIT_UNAVAILABLE_WAIT = Duration.ofSeconds(1);
  /** How late past its deadline a call may end and still be the channel's fault rather than this node's stall. */
  private static final Duration STALL = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(ResilientChannel.class);

  private final NotificationChannel delegate;
  private final ResilienceSettings settings;
  private final CircuitBreaker<Outcome> circuitBreaker;
  private final Semaphore slots;
  private final SendPermits permits;
  private final SendPermits.Rate rate;
  private final FailsafeExecutor<Outcome> executor;
  private final Clock clock;
  /** When the calling thread's current call began; read by the circuit, which judges the call on the same thread. */
  private final ThreadLocal<Long> callStartedNanos = new ThreadLocal<>();

  public ResilientChannel(NotificationChannel delegate, ResilienceSettings settings, SendPermits permits, Clock clock) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    String name = delegate.name();
    this.circuitBreaker = CircuitBreaker.<Outcome>builder()
        .handleIf(this::channelFailed)
        .withFailureThreshold(settings.failureThreshold())
        .withSuccessThreshold(1)
        .withDelay(settings.openDelay())
        .onOpen(e -> log.warn("Channel {}: circuit opened after {} consecutive failures; trial call in {}", name,
            settings.failureThreshold(), settings.openDelay()))
        .onHalfOpen(e -> log.info("Channel {}: circuit half-open, letting one trial call through", name))
        .onClose(e -> log.info("Channel {}: circuit closed", name))
        .build();
    this.slots = new Semaphore(settings.maxConcurrency(), true);
    this.permits = Objects.requireNonNull(permits, "permits");
    this.rate = new SendPermits.Rate(settings.maxPerSecond(), settings.burst());
    Timeout<Outcome> timeout = Timeout.<Outcome>builder(settings.timeout()).withInterrupt().build();
    this.executor = Failsafe.with(List.of(circuitBreaker, timeout));
  }

  /**
   * Wraps a channel with the limits read from {@code RELAYBOX_<NAME>_*} (see {@link ResilienceSettings}), its rate
   * taken from {@code permits} under the channel's name.
   */
  public static ResilientChannel wrap(NotificationChannel delegate, ChannelSettings settings, SendPermits permits) {
    ResilientChannel channel = new ResilientChannel(delegate, ResilienceSettings.fromEnvironment(delegate.name(), settings), permits,
        settings.clock());
    channel.applyRate();
    return channel;
  }

  /**
   * Tells the permits the rate this node sends at, so permits reserved at another rate (the setting changed since) are
   * rescheduled. A database that cannot be reached now leaves them at their times, which only delays them.
   */
  void applyRate() {
    try {
      permits.applyRate(name(), rate);
    } catch (RuntimeException e) {
      log.warn("Channel {}: could not apply its rate to the permits already reserved ({}); they keep their times", name(), e.toString());
    }
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
        return Outcome.defer(settings.timeout(), "bulkhead full: " + settings.maxConcurrency() + " calls in flight");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.defer(Duration.ZERO, name() + " call interrupted before it was sent");
    }
    try {
      Duration wait = permit(notification);
      if (wait.isPositive()) {
        return Outcome.defer(wait, "rate limited: " + name() + " allows " + rate.perSecond() + "/s, burst " + rate.burst());
      }
      // The waits above (a slot, a permit) and any pause of this node (GC, SIGSTOP) may have outlasted the job's lease;
      // another node may then have taken the job over and sent it. Checked last, so nothing but the call follows.
      if (!clock.instant().isBefore(notification.sendBefore())) {
        return Outcome.defer(Duration.ZERO, "the job's lease ran out before " + name() + " could be called; nothing was sent");
      }
      return limited(notification);
    } finally {
      slots.release();
    }
  }

  /** Zero when the call may go now; otherwise how long until the permit reserved for this request is due. */
  private Duration permit(Notification notification) {
    String holder = notification.requestId().toString();
    Duration wait;
    try {
      wait = permits.take(name(), holder, rate);
    } catch (RuntimeException e) {
      // No permit can be had (the database is unreachable): nothing is sent, so the rate is never exceeded.
      log.warn("Channel {}: could not take a send permit ({}); deferring", name(), e.toString());
      return PERMIT_UNAVAILABLE_WAIT;
    }
    if (wait.isPositive() && wait.compareTo(settings.rateLimitMaxWait()) <= 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return wait;
      }
      try {
        wait = permits.take(name(), holder, rate);
      } catch (RuntimeException e) {
        log.warn("Channel {}: could not take a send permit ({}); deferring", name(), e.toString());
        return PERMIT_UNAVAILABLE_WAIT;
      }
    }
    return wait;
  }

  private Outcome limited(Notification notification) {
    callStartedNanos.set(System.nanoTime());
    try {
      Outcome outcome = executor.get(() -> delegate.send(notification));
      return outcome != null ? outcome : Outcome.retry(name() + " returned no outcome");
    } catch (CircuitBreakerOpenException e) {
      return circuitOpen();
    } catch (TimeoutExceededException e) {
      return Outcome.retry(name() + " timed out after " + settings.timeout().toMillis() + " ms");
    } catch (FailsafeException e) {
      // a checked exception from the channel
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return Outcome.retry(name() + " call interrupted");
      }
      return thrown(cause);
    } catch (RuntimeException e) {
      return thrown(e);
    } finally {
      callStartedNanos.remove();
    }
  }

  /**
   * Whether the call's result speaks against the channel. Not when it was cut from outside: Failsafe clears the
   * interrupt its own timeout raised before the circuit judges the call, so an interrupt still pending came from
   * outside. Not when it timed out more than {@link #STALL} after its deadline: the timeout's timer could not run on
   * time, so this node was stalled (paused, a long GC, starved of CPU), and every call in flight across the stall times
   * out at once when it ends, whatever the channel did.
   */
  private boolean channelFailed(Outcome outcome, Throwable failure) {
    if (Thread.currentThread().isInterrupted()) {
      return false;
    }
    if (failure instanceof TimeoutExceededException && endedLongAfterDeadline()) {
      return false;
    }
    return failure != null || outcome instanceof Outcome.Retry;
  }

  private boolean endedLongAfterDeadline() {
    Long started = callStartedNanos.get();
    return started != null && System.nanoTime() - started > settings.timeout().plus(STALL).toNanos();
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

  /**
   * Nothing was sent: come back when the circuit lets a trial call through, or, while the trial call runs, after one
   * timeout (by then it has ended).
   */
  private Outcome circuitOpen() {
    Duration left = circuitBreaker.getRemainingDelay();
    return left.isPositive()
        ? Outcome.defer(left, "circuit open")
        : Outcome.defer(settings.timeout(), "circuit half-open: a trial call is running");
  }
}
