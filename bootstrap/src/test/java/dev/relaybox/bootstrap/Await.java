package dev.relaybox.bootstrap;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls until a condition holds; fails with a description of the last state if it never does. */
final class Await {
  private Await() {}

  static void until(String what, Duration max, BooleanSupplier condition) {
    until(what, max, condition, () -> "");
  }

  static void until(String what, Duration max, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("timed out after " + max + " waiting for " + what + " " + state.get());
  }
}
