package dev.relaybox.adapters.http.shared;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Readiness that answers within {@code answerWithin} whatever the database does: one check runs at a time (probes
 * from many load balancers share it), its answer is reused for {@code reuseFor}, and a check still running when the
 * time is up makes the node not ready ("did not answer in time") instead of holding the probe for seconds.
 */
public final class CachedReadiness implements ReadinessCheck {
  private record Answer(Optional<String> problem, long atNanos) {}

  private final ReadinessCheck check;
  private final Duration reuseFor;
  private final Duration answerWithin;
  private final Executor executor;
  private final LongSupplier nanoTime;
  private volatile Answer last;
  private CompletableFuture<Optional<String>> running;

  public CachedReadiness(ReadinessCheck check, Duration reuseFor, Duration answerWithin, Executor executor, LongSupplier nanoTime) {
    this.check = check;
    this.reuseFor = reuseFor;
    this.answerWithin = answerWithin;
    this.executor = executor;
    this.nanoTime = nanoTime;
  }

  /** Reuses an answer for 500 ms and answers within 800 ms, checking on a virtual thread. */
  public static CachedReadiness of(ReadinessCheck check) {
    return new CachedReadiness(check, Duration.ofMillis(500), Duration.ofMillis(800),
        runnable -> Thread.ofVirtual().name("readiness-check").start(runnable), System::nanoTime);
  }

  @Override
  public Optional<String> problem() {
    Answer answer = last;
    if (answer != null && nanoTime.getAsLong() - answer.atNanos() < reuseFor.toNanos()) {
      return answer.problem();
    }
    try {
      return current().get(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return Optional.of("the database did not answer within " + answerWithin.toMillis() + " ms");
    } catch (ExecutionException e) {
      return Optional.of("the readiness check failed: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while checking readiness");
    }
  }

  private synchronized CompletableFuture<Optional<String>> current() {
    if (running != null) {
      return running;
    }
    CompletableFuture<Optional<String>> started = CompletableFuture.supplyAsync(check::problem, executor);
    running = started;
    started.whenComplete((problem, failure) -> finished(started, problem, failure));
    return started;
  }

  private synchronized void finished(CompletableFuture<Optional<String>> which, Optional<String> problem, Throwable failure) {
    last = new Answer(failure == null ? problem : Optional.of("the readiness check failed: " + failure.getMessage()), nanoTime.getAsLong());
    if (running == which) {
      running = null;
    }
  }
}
