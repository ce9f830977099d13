package dev.relaybox.adapters.persistence.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls until a condition holds; fails with a description (and the last observed value) when it never does. */
public final class Await {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      pause();
    }
  }

  /** Waits until {@code condition} holds for the value {@code probe} returns; the failure message shows the last value. */
  public static <T> T until(String what, Supplier<T> probe, java.util.function.Predicate<T> condition) {
    return until(what, DEFAULT_TIMEOUT, probe, condition);
  }

  /** As {@link #until(String, Supplier, java.util.function.Predicate)}, waiting up to {@code timeout}. */
  public static <T> T until(String what, Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T value = probe.get();
    while (!condition.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what + "; last value: " + value);
      }
      pause();
      value = probe.get();
    }
    return value;
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
