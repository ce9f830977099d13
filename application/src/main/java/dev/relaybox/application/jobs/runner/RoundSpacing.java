package dev.relaybox.application.jobs.runner;

import java.time.Duration;

/**
 * Keeps the rounds of one loop at least an interval apart. A round that comes sooner waits out the rest, and whatever
 * arrived meanwhile is taken by that one round; a round after a quiet interval starts at once. So a quiet node adds no
 * latency, and a busy one pays one statement per batch instead of one per item: at a request every two milliseconds,
 * relaying, claiming and completing each request on its own cost more CPU and WAL flushes than the requests' intake.
 * Public for the adapters' own background senders (the outbox's NOTIFY), which space their rounds the same way.
 *
 * <p>Used by one thread at a time (the loop it spaces).
 */
public final class RoundSpacing {
  private final long intervalNanos;
  private long lastRoundNanos;
  private boolean anyRound;

  public RoundSpacing(Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("a round spacing must not be negative");
    }
    this.intervalNanos = interval.toNanos();
  }

  /** Waits until the interval has passed since the previous round began, then begins the next one. */
  public void awaitTurn() throws InterruptedException {
    if (anyRound) {
      long waitNanos = lastRoundNanos + intervalNanos - System.nanoTime();
      if (waitNanos > 0) {
        Thread.sleep(Duration.ofNanos(waitNanos));
      }
    }
    anyRound = true;
    lastRoundNanos = System.nanoTime();
  }
}
