package dev.relaybox.adapters.http.shared;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Measures the time this process was not running (a stop-the-world GC, SIGSTOP, a suspended VM): a thread that asks to
 * wake every {@code tick} and counts how much later than that it woke, past {@code tolerance}. Deadlines that judge a
 * client (how fast its body arrives) subtract this, so the server's own pauses are not blamed on the client.
 */
final class PauseDetector implements LongSupplier, AutoCloseable {
  static final Duration TICK = Duration.ofMillis(20);
  static final Duration TOLERANCE = Duration.ofMillis(50);

  private final AtomicLong stalledNanos = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  PauseDetector() {
    thread = Thread.ofPlatform().daemon().name("pause-detector").unstarted(this::run);
  }

  PauseDetector start() {
    thread.start();
    return this;
  }

  /** Total time this process was seen not running since start, in nanoseconds. */
  @Override
  public long getAsLong() {
    return stalledNanos.get();
  }

  private void run() {
    long tick = TICK.toNanos();
    long tolerance = TOLERANCE.toNanos();
    long expected = System.nanoTime() + tick;
    while (running) {
      try {
        Thread.sleep(TICK);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      long late = now - expected;
      if (late > tolerance) {
        stalledNanos.addAndGet(late);
      }
      expected = now + tick;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
