package dev.relaybox.application.jobs.port.out;

import java.util.function.Supplier;

/**
 * One database transaction. Repositories, {@link Outbox} and {@link Jobs} called inside the callback join it, so
 * business rows, outbox events and jobs commit together or not at all.
 */
public interface UnitOfWork {

  <T> T inTransaction(Supplier<T> work);

  default void inTransaction(Runnable work) {
    inTransaction(() -> {
      work.run();
      return null;
    });
  }
}
