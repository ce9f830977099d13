package dev.relaybox.adapters.persistence.shared;

import dev.relaybox.application.jobs.port.out.UnitOfWork;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Binds one Jdbi handle in a transaction to the calling thread. Repositories, the outbox and the job queue ask for
 * {@link #currentHandle(String)}, so they join the open transaction and can never commit on their own. A nested
 * {@code inTransaction} joins the outer one.
 */
public final class JdbiUnitOfWork implements UnitOfWork {
  private final Jdbi jdbi;
  private final ThreadLocal<Handle> current = new ThreadLocal<>();

  public JdbiUnitOfWork(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    if (current.get() != null) {
      return work.get();
    }
    try (Handle handle = jdbi.open()) {
      current.set(handle);
      return handle.inTransaction(h -> work.get());
    } finally {
      current.remove();
    }
  }

  /** Whether this thread is inside {@link #inTransaction}. */
  boolean inTransactionOnThisThread() {
    return current.get() != null;
  }

  /** The handle of the transaction open on this thread; fails loudly when there is none. */
  public Handle currentHandle(String caller) {
    Handle handle = current.get();
    if (handle == null) {
      throw new IllegalStateException(caller + " must be called inside UnitOfWork.inTransaction");
    }
    return handle;
  }
}
