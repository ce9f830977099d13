package dev.relaybox.adapters.persistence.shared;

import dev.relaybox.application.jobs.port.out.UnitOfWork;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for intake: concurrent callers' units of work are queued and a few writer threads run whatever has
 * queued up in one transaction with one COMMIT, so a burst of requests shares one WAL flush instead of paying one
 * each. Every caller still returns only after its work is committed. If any unit in a batch fails, the batch rolls
 * back and each unit is run again alone, so a failure reaches only its own caller; units must therefore be
 * repeatable (generate ids before calling, do no side effects outside the database).
 */
public final class GroupCommitUnitOfWork implements UnitOfWork, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitUnitOfWork.class);

  private final JdbiUnitOfWork unitOfWork;
  private final int maxBatch;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> writers = new ArrayList<>();
  private volatile boolean running = true;

  private record Pending<T>(Supplier<T> work, CompletableFuture<T> result) {
    void runAlone(JdbiUnitOfWork unitOfWork) {
      try {
        result.complete(unitOfWork.inTransaction(work));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }

    @SuppressWarnings("unchecked")
    void complete(Object value) {
      result.complete((T) value);
    }
  }

  public GroupCommitUnitOfWork(JdbiUnitOfWork unitOfWork, int writerThreads, int maxBatch) {
    this.unitOfWork = unitOfWork;
    this.maxBatch = maxBatch;
    for (int i = 0; i < writerThreads; i++) {
      writers.add(Thread.ofPlatform().daemon().name("group-commit-" + i).start(this::write));
    }
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    if (unitOfWork.inTransactionOnThisThread() || !running) {
      return unitOfWork.inTransaction(work);
    }
    Pending<T> pending = new Pending<>(work, new CompletableFuture<>());
    queue.add(pending);
    try {
      return pending.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void write() {
    while (running || !queue.isEmpty()) {
      Pending<?> first;
      try {
        first = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      if (first == null) {
        continue;
      }
      List<Pending<?>> batch = new ArrayList<>();
      batch.add(first);
      queue.drainTo(batch, maxBatch - 1);
      if (batch.size() == 1) {
        first.runAlone(unitOfWork);
        continue;
      }
      List<Object> results;
      try {
        results = unitOfWork.inTransaction(() -> {
          List<Object> values = new ArrayList<>(batch.size());
          for (Pending<?> pending : batch) {
            values.add(pending.work().get());
          }
          return values;
        });
      } catch (RuntimeException | Error failed) {
        LOG.debug("a batch of {} units failed ({}); running each alone", batch.size(), failed.toString());
        batch.forEach(pending -> pending.runAlone(unitOfWork));
        continue;
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).complete(results.get(i));
      }
    }
  }

  /** Finishes what is queued, then stops the writers; later calls run directly. */
  @Override
  public void close() {
    running = false;
    for (Thread writer : writers) {
      try {
        writer.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Pending<?> left;
    while ((left = queue.poll()) != null) {
      left.runAlone(unitOfWork);
    }
  }
}
