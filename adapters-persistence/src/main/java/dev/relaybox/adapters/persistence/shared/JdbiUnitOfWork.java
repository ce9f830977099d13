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
  /** The writes held back in the transaction bound to this thread, when its owner sends them in bulk (group commit). */
  private final ThreadLocal<DeferredWrites> deferred = new ThreadLocal<>();

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
    return withBound(handle, null, work);
  }

  /**
   * As {@link #withBound(Handle, Supplier)}, and {@link #write} holds its writes in {@code held}, which the caller
   * sends before it commits; any other statement on the handle sends them first.
   */
  <T> T withBound(Handle handle, DeferredWrites held, Supplier<T> work) {
    if (current.get() != null) {
      throw new IllegalStateException("a transaction is already open on this thread");
    }
    current.set(handle);
    if (held != null) {
      deferred.set(held);
    }
    try {
      return work.get();
    } finally {
      current.remove();
      deferred.remove();
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
    if (handle == null) {
      return jdbi.withHandle(read);
    }
    sendHeldWrites(handle);
    return read.withHandle(handle);
  }

  /**
   * An INSERT or UPDATE in the open transaction whose outcome the caller does not need. Under a group commit it is
   * held and sent with the other units' writes of the same text (see {@link DeferredWrites}: it must not depend on
   * another held write); otherwise it runs at once.
   */
  public void write(String caller, String sql, Object... parameters) {
    DeferredWrites held = deferred.get(); // bound only together with a transaction's handle
    if (held != null) {
      held.add(sql, parameters);
    } else {
      JdbcStatements.update(currentHandle(caller), sql, parameters);
    }
  }

  /** Runs {@code action} once the transaction open on this thread has committed. */
  public void afterCommit(String caller, Runnable action) {
    boundHandle(caller).afterCommit(action);
  }

  /** Whether this thread is inside {@link #inTransaction}. */
  public boolean inTransactionOnThisThread() {
    return current.get() != null;
  }

  /** The handle of the transaction open on this thread; fails loudly when there is none. */
  public Handle currentHandle(String caller) {
    Handle handle = boundHandle(caller);
    sendHeldWrites(handle);
    return handle;
  }

  private Handle boundHandle(String caller) {
    Handle handle = current.get();
    if (handle == null) {
      throw new IllegalStateException(caller + " must be called inside UnitOfWork.inTransaction");
    }
    return handle;
  }

  /** Whoever runs a statement of their own on the handle sees every write made before it. */
  private void sendHeldWrites(Handle handle) {
    DeferredWrites held = deferred.get();
    if (held != null) {
      held.flush(handle.getConnection());
    }
  }
}
