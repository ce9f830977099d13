package dev.relaybox.application.assistance;

import dev.relaybox.application.jobs.port.out.UnitOfWork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A unit of work for in-memory fakes that keeps the rules of the real one: writes happen only inside a transaction
 * (outside one they fail, as {@code JdbiUnitOfWork.currentHandle} does), a nested call joins the open transaction, and
 * an exception rolls back every write of the transaction. Each write is recorded with the number of its transaction,
 * so a test can prove that two writes committed together.
 */
final class InMemoryTransactions implements UnitOfWork {
  /** One write: what was written and in which transaction. */
  record Write(String what, int transaction) {}

  private final ThreadLocal<Integer> open = new ThreadLocal<>();
  private final List<Runnable> undo = new ArrayList<>();
  private final List<Write> committed = new ArrayList<>();
  private final List<Write> pending = new ArrayList<>();
  private int opened;

  @Override
  public synchronized <T> T inTransaction(Supplier<T> work) {
    if (open.get() != null) {
      return work.get();
    }
    open.set(++opened);
    try {
      T result = work.get();
      committed.addAll(pending);
      return result;
    } catch (RuntimeException | Error e) {
      undo.reversed().forEach(Runnable::run);
      throw e;
    } finally {
      undo.clear();
      pending.clear();
      open.remove();
    }
  }

  /** Records a write in the open transaction; {@code rollback} undoes it if the transaction fails. */
  void write(String what, Runnable rollback) {
    Integer transaction = open.get();
    if (transaction == null) {
      throw new IllegalStateException(what + " must be called inside UnitOfWork.inTransaction");
    }
    pending.add(new Write(what, transaction));
    undo.add(rollback);
  }

  /** The committed writes, by what was written. */
  synchronized Map<String, Integer> committedTransactions() {
    Map<String, Integer> byWhat = new HashMap<>();
    committed.forEach(w -> byWhat.put(w.what(), w.transaction()));
    return byWhat;
  }
}
