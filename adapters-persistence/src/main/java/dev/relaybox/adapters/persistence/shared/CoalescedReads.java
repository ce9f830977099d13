package dev.relaybox.adapters.persistence.shared;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Answers look-ups that arrive together with one statement. Every delivery starts with a read of its row and its lease;
 * a claim starts dozens of deliveries at once, and one round trip each was a twelfth of the jar's CPU at 1,000
 * requests/s. The first caller reads at once; callers that arrive while a read is running queue, and the next read
 * answers all of them, so nobody waits for more than the read before theirs.
 *
 * <p>One caller at a time reads, on its own thread: a queued caller is handed the turn when the read before it ends.
 * Queued callers wait without a timeout (the statement itself has the database's timeouts) and cannot be interrupted
 * out of the queue, because a caller that left it could be handed the turn and never take it.
 */
public final class CoalescedReads<Q, R> {
  /** Reads a batch of look-ups in one statement: one answer per look-up, in the order given. */
  @FunctionalInterface
  public interface BatchRead<Q, R> {
    List<Optional<R>> read(List<Q> lookups);
  }

  private static final Object YOUR_TURN = new Object();

  private final BatchRead<Q, R> batchRead;
  private final int maxBatch;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiting<Q>> queue = new ArrayDeque<>();
  private boolean reading;

  public CoalescedReads(BatchRead<Q, R> batchRead, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1");
    }
    this.batchRead = batchRead;
    this.maxBatch = maxBatch;
  }

  @SuppressWarnings("unchecked")
  public Optional<R> read(Q lookup) {
    Waiting<Q> me = new Waiting<>(lookup, new CompletableFuture<>());
    boolean myTurn;
    lock.lock();
    try {
      queue.addLast(me);
      myTurn = !reading;
      reading = true;
    } finally {
      lock.unlock();
    }
    if (!myTurn) {
      Object answer = await(me);
      if (answer != YOUR_TURN) {
        return (Optional<R>) answer;
      }
    }
    return readQueuedAndPassTheTurn();
  }

  /** Reads for the queue's head (the caller, whose turn it is) and those behind it, and answers with the head's row. */
  private Optional<R> readQueuedAndPassTheTurn() {
    List<Waiting<Q>> batch = new ArrayList<>();
    lock.lock();
    try {
      while (!queue.isEmpty() && batch.size() < maxBatch) {
        batch.add(queue.pollFirst());
      }
    } finally {
      lock.unlock();
    }
    try {
      List<Optional<R>> answers = batchRead.read(batch.stream().map(Waiting::lookup).toList());
      if (answers.size() != batch.size()) {
        throw new IllegalStateException("a batch read of " + batch.size() + " answered " + answers.size());
      }
      for (int i = 1; i < batch.size(); i++) {
        batch.get(i).answer().complete(answers.get(i));
      }
      return answers.get(0);
    } catch (RuntimeException | Error failure) {
      batch.stream().skip(1).forEach(waiting -> waiting.answer().completeExceptionally(failure));
      throw failure;
    } finally {
      Waiting<Q> next;
      lock.lock();
      try {
        next = queue.peekFirst();
        reading = next != null;
      } finally {
        lock.unlock();
      }
      if (next != null) {
        next.answer().complete(YOUR_TURN);
      }
    }
  }

  private static Object await(Waiting<?> waiting) {
    try {
      return waiting.answer().join();
    } catch (CompletionException failed) {
      if (failed.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failed.getCause() instanceof Error error) {
        throw error;
      }
      throw failed;
    }
  }

  private record Waiting<Q>(Q lookup, CompletableFuture<Object> answer) {}
}
