package dev.relaybox.application.jobs.runner;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A latch a poller sleeps on: a signal that arrives while it is busy is kept, so the next wait returns at once. Public
 * for the adapters' own background senders (the outbox's NOTIFY), which wait the same way.
 */
public final class Wakeup {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signalled = lock.newCondition();
  private boolean pending;

  public void signal() {
    lock.lock();
    try {
      pending = true;
      signalled.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until signalled or {@code max} passes.
   *
   * @return whether a signal came (false: the time ran out, or the thread was interrupted)
   */
  public boolean await(Duration max) {
    lock.lock();
    try {
      long nanos = max.toNanos();
      while (!pending && nanos > 0) {
        nanos = signalled.awaitNanos(nanos);
      }
      boolean came = pending;
      pending = false;
      return came;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }
}
