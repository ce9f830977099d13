package dev.relaybox.application.jobs.port.out;

import java.util.function.Supplier;

/**
 * One database transaction. Repositories, {@link Outbox} and {@link Jobs} called inside the callback join it, so
 * business rows, outbox events and jobs commit together or not at all.
 *
 * <p>An implementation may answer {@link NotCommittedException} (nothing committed, nothing will: retry) or, when a
 * COMMIT's outcome could not be learned, {@link CommitOutcomeUnknownException}.
 */
public interface UnitOfWork {

  <T> T inTransaction(Supplier<T> work);

  default void inTransaction(Runnable work) {
    inTransaction(() -> {
      work.run();
      return null;
    });
  }

  /**
   * Like {@link #inTransaction(Supplier)} for work whose only row other transactions may also lock is named by
   * {@code contendedKey} (an idempotency key). An implementation that runs several callers' work in one transaction
   * runs it in the order of these keys, so two such transactions never lock the same rows in opposite orders.
   */
  default <T> T inTransactionOrderedBy(String contendedKey, Supplier<T> work) {
    return inTransaction(work);
  }
}
