package dev.relaybox.adapters.persistence.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relaybox.adapters.persistence.testing.Await;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Look-ups that arrive while a read runs share the next read, and each caller gets its own answer or failure. */
class CoalescedReadsTest {
  private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
  private final ExecutorService callers = Executors.newThreadPerTaskExecutor(task -> {
    Thread thread = Thread.ofVirtual().unstarted(task);
    threads.add(thread);
    return thread;
  });
  private final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch firstReadMayEnd = new CountDownLatch(1);
  private final AtomicBoolean firstReadFails = new AtomicBoolean();

  @AfterEach
  void tearDown() {
    firstReadMayEnd.countDown();
    callers.shutdownNow();
  }

  /** Answers n with 10 n, and nothing for negative n; its first read waits for the test. */
  private List<Optional<Integer>> read(List<Integer> lookups) {
    batches.add(List.copyOf(lookups));
    if (batches.size() == 1) {
      try {
        firstReadMayEnd.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (firstReadFails.get()) {
        throw new IllegalStateException("the database went away");
      }
    }
    return lookups.stream().map(n -> n < 0 ? Optional.<Integer>empty() : Optional.of(n * 10)).toList();
  }

  @Test
  void lookupsArrivingWhileAReadRunsShareTheNextReadAndEachGetsItsOwnAnswer() throws Exception {
    CoalescedReads<Integer, Integer> reads = new CoalescedReads<>(this::read, 100);
    Future<Optional<Integer>> first = firstRead(reads, 1);
    List<Future<Optional<Integer>>> queued = queue(reads, 2, 20);
    queued.add(callers.submit(() -> reads.read(-5)));
    releaseFirstReadOnce(21);

    assertEquals(Optional.of(10), first.get(10, TimeUnit.SECONDS));
    for (int i = 0; i < 20; i++) {
      assertEquals(Optional.of((i + 2) * 10), queued.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(Optional.empty(), queued.get(20).get(10, TimeUnit.SECONDS), "a look-up with no row");
    assertEquals(2, batches.size(), "one read for the first caller, one for all 21 behind it: " + batches);
    assertEquals(21, batches.get(1).size());
  }

  @Test
  void aReadNeverCarriesMoreThanItsLimit() throws Exception {
    CoalescedReads<Integer, Integer> reads = new CoalescedReads<>(this::read, 5);
    Future<Optional<Integer>> first = firstRead(reads, 0);
    List<Future<Optional<Integer>>> queued = queue(reads, 1, 12);
    releaseFirstReadOnce(12);

    assertEquals(Optional.of(0), first.get(10, TimeUnit.SECONDS));
    for (int i = 0; i < 12; i++) {
      assertEquals(Optional.of((i + 1) * 10), queued.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(1, 5, 5, 2), batches.stream().map(List::size).toList());
  }

  @Test
  void aFailedReadFailsOnlyItsOwnCallersAndTheQueueBehindItIsStillRead() throws Exception {
    firstReadFails.set(true);
    CoalescedReads<Integer, Integer> reads = new CoalescedReads<>(this::read, 100);
    Future<Optional<Integer>> first = firstRead(reads, 1);
    List<Future<Optional<Integer>>> queued = queue(reads, 2, 5);
    releaseFirstReadOnce(5);

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> first.get(10, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, failed.getCause());
    for (int i = 0; i < 5; i++) {
      assertEquals(Optional.of((i + 2) * 10), queued.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(Optional.of(70), reads.read(7), "a later caller reads at once");
  }

  /** A caller whose read is running (and held until {@link #releaseFirstReadOnce}). */
  private Future<Optional<Integer>> firstRead(CoalescedReads<Integer, Integer> reads, int lookup) {
    Future<Optional<Integer>> first = callers.submit(() -> reads.read(lookup));
    Await.until("the first read runs", () -> batches.size() == 1);
    return first;
  }

  /** Lets the first read end once {@code queued} callers wait behind it. */
  private void releaseFirstReadOnce(int queued) {
    Await.until(queued + " callers wait behind the first read", () -> waiting() == queued);
    firstReadMayEnd.countDown();
  }

  private List<Future<Optional<Integer>>> queue(CoalescedReads<Integer, Integer> reads, int from, int count) {
    List<Future<Optional<Integer>>> queued = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      int lookup = n;
      queued.add(callers.submit(() -> reads.read(lookup)));
    }
    return queued;
  }

  /** Callers parked in {@link CoalescedReads}, waiting for their answer or their turn. */
  private long waiting() {
    synchronized (threads) {
      return threads.stream().filter(t -> t.getState() == Thread.State.WAITING)
          .filter(t -> List.of(t.getStackTrace()).stream().anyMatch(f -> f.getMethodName().equals("await")
              && f.getClassName().equals(CoalescedReads.class.getName())))
          .count();
    }
  }
}
