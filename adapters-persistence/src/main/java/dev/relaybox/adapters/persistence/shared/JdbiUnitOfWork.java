package dev.relaybox.adapters.persistence.shared;

import dev.relaybox.application.jobs.port.out.UnitOfWork;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
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

  /**
   * Runs {@code work} with {@code handle}, whose transaction the caller opens and ends, bound to this thread, so
   * repositories join that transaction.
   */
  <T> T withBound(Handle handle, Supplier<T> work) {
    if (current.get() != null) {
      throw new IllegalStateException("a transaction is already open on this thread");
    }
    current.set(handle);
    try {
      return work.get();
    } finally {
      current.remove();
    }
  }

  Jdbi jdbi() {
    return jdbi;
  }

  /**
   * Runs a read in the transaction open on this thread, or on a short-lived handle outside one, so a read inside a
   * unit of work sees that unit's own uncommitted rows (and never waits for a second pool connection).
   */
  public <T> T read(HandleCallback<T, RuntimeException> read) {
    Handle handle = current.get();
    return handle != null ? read.withHandle(handle) : jdbi.withHandle(read);
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
