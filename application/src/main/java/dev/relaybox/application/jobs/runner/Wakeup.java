package dev.relaybox.application.jobs.runner;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A latch a poller sleeps on: a signal that arrives while it is busy is kept, so the next wait returns at once. */
final class Wakeup {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signalled = lock.newCondition();
  private boolean pending;

  void signal() {
    lock.lock();
    try {
      pending = true;
      signalled.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until signalled or {@code max} passes. */
  void await(Duration max) {
    lock.lock();
    try {
      long nanos = max.toNanos();
      while (!pending && nanos > 0) {
        nanos = signalled.awaitNanos(nanos);
      }
      pending = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }
}
