package dev.relaybox.adapters.persistence.shared;

import dev.relaybox.application.jobs.port.out.CommitOutcomeUnknownException;
import dev.relaybox.application.jobs.port.out.NotCommittedException;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for intake: concurrent callers' units of work are queued and a few writer threads run whatever has
 * queued up in one transaction with one COMMIT, so a burst of requests shares one WAL flush instead of paying one
 * each. Every caller returns only after its work is committed, and only then with success.
 *
 * <p>Guarantees, per caller:
 * <ul>
 *   <li>A deadline ({@code requestTimeout}) covers the whole wait: queueing, the connection, the batch and any rerun.
 *       Once it passes before the caller's COMMIT is sent, the caller gets {@link NotCommittedException} and its work
 *       is taken out of the batch (the writer checks every unit just before COMMIT and reruns the rest without it).
 *       Once the COMMIT is sent, the caller waits for its outcome, which the socket timeout and the check below bound.
 *   <li>The batch sets {@code lock_timeout} and {@code statement_timeout} locally, so no statement waits past the
 *       earliest deadline in it.
 *   <li>Units that name a contended key run in key order, so two batches never lock those rows in opposite orders;
 *       two units with the same key run one after the other in the same transaction, and the second sees the first's
 *       rows (an idempotency key resolves inside the batch).
 *   <li>If a unit fails, the batch rolls back; that unit runs again alone (so its error is its own) and the others
 *       again together. If the COMMIT fails outright, or a write the units left to {@link JdbiUnitOfWork#write} (held
 *       and sent in bulk, see {@link DeferredWrites}) fails, every unit runs alone.
 *   <li>If the connection breaks before the COMMIT is sent, the batch runs again as it was on another connection,
 *       and the pool is told to replace the connections it holds.
 *   <li>A COMMIT whose outcome is unknown (the connection broke while it ran) is resolved on a fresh connection with
 *       {@code pg_xact_status} of the batch's transaction id: committed means success for all; aborted means rerun;
 *       still running means the old backend is terminated and asked again. A question that fails with its connection
 *       is asked again on another for up to one request timeout; only when the database cannot be asked or cannot tell
 *       does a caller get {@link CommitOutcomeUnknownException}.
 *   <li>An interrupted caller and one arriving during {@link #close()} get {@link NotCommittedException} only when
 *       their work can no longer commit.
 * </ul>
 * Units must be repeatable (generate ids before calling, do no side effects outside the database). Many units share
 * one transaction without savepoints on purpose: more than 64 subtransactions in one transaction slow every snapshot
 * in PostgreSQL.
 */
public final class GroupCommitUnitOfWork implements UnitOfWork, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitUnitOfWork.class);
  private static final Duration SHORTEST_COMMIT_WAIT = Duration.ofSeconds(1);
  private static final Duration EXPIRY_TICK = Duration.ofMillis(50);
  private static final Duration ASK_AGAIN_PAUSE = Duration.ofMillis(20);
  private static final Comparator<Pending<?>> LOCK_ORDER = Comparator
      .comparing((Pending<?> p) -> p.contendedKey, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparingLong(p -> p.arrival);

  /** How many writers, how many units per transaction, each caller's deadline, and the longest lock wait. */
  public record Settings(int writers, int maxBatch, Duration requestTimeout, Duration lockTimeout) {
    public Settings {
      if (writers < 1 || maxBatch < 1 || !requestTimeout.isPositive() || !lockTimeout.isPositive()) {
        throw new IllegalArgumentException("writers and maxBatch must be at least 1, the timeouts positive");
      }
    }
  }

  private final JdbiUnitOfWork unitOfWork;
  private final Settings settings;
  private final Clock clock;
  private final Runnable evictPooledConnections;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  /** Every unit not yet known to be settled, in arrival order, which is deadline order (one timeout for all). */
  private final ConcurrentLinkedQueue<Pending<?>> unsettled = new ConcurrentLinkedQueue<>();
  private final List<Thread> writers = new ArrayList<>();
  private final Thread deadlines;
  private final AtomicLong arrivals = new AtomicLong();
  private final Object intake = new Object();
  private volatile boolean accepting = true;

  /**
   * @param evictPooledConnections makes the pool replace every connection it holds (idle ones now, those in use when
   *     they come back), called when one broke: what broke it (a restart, an operator ending every session, a proxy
   *     resetting them) has usually broken the rest, and the pool hands out a connection used in the last half second
   *     unchecked
   */
  public GroupCommitUnitOfWork(JdbiUnitOfWork unitOfWork, Settings settings, Clock clock, Runnable evictPooledConnections) {
    this.unitOfWork = unitOfWork;
    this.settings = settings;
    this.clock = clock;
    this.evictPooledConnections = evictPooledConnections;
    for (int i = 0; i < settings.writers(); i++) {
      writers.add(Thread.ofPlatform().daemon().name("group-commit-" + i).start(this::write));
    }
    deadlines = Thread.ofPlatform().daemon().name("group-commit-deadlines").start(this::expireOverdue);
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    return submit(null, work);
  }

  @Override
  public <T> T inTransactionOrderedBy(String contendedKey, Supplier<T> work) {
    return submit(contendedKey, work);
  }

  private <T> T submit(String contendedKey, Supplier<T> work) {
    if (unitOfWork.inTransactionOnThisThread()) {
      return work.get();
    }
    Pending<T> pending = new Pending<>(work, contendedKey, clock.instant().plus(settings.requestTimeout()),
        arrivals.incrementAndGet());
    synchronized (intake) {
      if (!accepting) {
        throw new NotCommittedException("this node is shutting down");
      }
      queue.add(pending);
      unsettled.add(pending);
    }
    return await(pending);
  }

  private <T> T await(Pending<T> pending) {
    boolean interrupted = false;
    try {
      // Untimed: the deadline is kept by expireOverdue. A timed wait on a virtual thread (every intake request waits
      // here) schedules and cancels a timer task on the scheduler's delay thread, two wake-ups of that thread per
      // request, which a profile of the jar at 1,000 requests/s showed among its larger costs.
      return pending.result.get();
    } catch (InterruptedException e) {
      interrupted = true;
      if (pending.abandon()) {
        Thread.currentThread().interrupt();
        throw new NotCommittedException("interrupted before the commit");
      }
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
    // The COMMIT was already sent: its outcome, not the deadline or the interrupt, is the answer.
    try {
      while (true) {
        try {
          return pending.result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw rethrow(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Answers every unit whose deadline passed before its COMMIT was sent with {@link NotCommittedException}, as its
   * caller's own timed wait did. Deadlines follow arrival, so only the oldest units need looking at; the check runs
   * at least every {@link #expiryTick()}, which bounds how late past its deadline a caller hears.
   */
  private void expireOverdue() {
    long tickNanos = expiryTick().toNanos();
    while (!Thread.currentThread().isInterrupted()) {
      Pending<?> oldest;
      while ((oldest = unsettled.peek()) != null
          && (oldest.result.isDone() || !clock.instant().isBefore(oldest.deadline))) {
        unsettled.poll();
        if (!oldest.result.isDone() && oldest.abandon()) {
          oldest.result.completeExceptionally(
              new NotCommittedException("not committed within " + settings.requestTimeout().toMillis() + " ms"));
        }
      }
      LockSupport.parkNanos(this, oldest == null ? tickNanos
          : Math.max(1, Math.min(tickNanos, Duration.between(clock.instant(), oldest.deadline).toNanos())));
    }
  }

  private Duration expiryTick() {
    Duration tenth = settings.requestTimeout().dividedBy(10);
    return tenth.compareTo(EXPIRY_TICK) < 0 ? tenth : EXPIRY_TICK;
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(cause);
  }

  private void write() {
    while (accepting || !queue.isEmpty()) {
      Pending<?> first;
      try {
        first = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      if (first == null) {
        continue;
      }
      List<Pending<?>> arrived = new ArrayList<>();
      arrived.add(first);
      queue.drainTo(arrived, settings.maxBatch() - 1);
      try {
        commitInTurn(arrived);
      } catch (RuntimeException | Error unexpected) {
        LOG.error("group commit writer failed; its callers get an error", unexpected);
        arrived.forEach(p -> p.failIfOpen(new NotCommittedException("intake writer failed", unexpected)));
        arrived.stream().filter(Pending::committing).forEach(p -> p.fail(
            new CommitOutcomeUnknownException("intake writer failed during COMMIT; retry with the same Idempotency-Key", unexpected)));
      }
    }
  }

  private void commitInTurn(List<Pending<?>> arrived) {
    Deque<List<Pending<?>>> todo = new ArrayDeque<>();
    todo.add(arrived);
    while (!todo.isEmpty()) {
      List<Pending<?>> batch = new ArrayList<>();
      for (Pending<?> pending : todo.poll()) {
        if (pending.claim(clock.instant())) {
          batch.add(pending);
        }
      }
      if (!batch.isEmpty()) {
        batch.sort(LOCK_ORDER);
        attempt(batch, todo);
      }
    }
  }

  /** One transaction for {@code batch}; settles its units or queues their reruns on {@code todo}. */
  private void attempt(List<Pending<?>> batch, Deque<List<Pending<?>>> todo) {
    Instant deadline = batch.stream().map(p -> p.deadline).min(Comparator.naturalOrder()).orElseThrow();
    Handle handle;
    try {
      handle = unitOfWork.jdbi().open();
    } catch (RuntimeException noConnection) {
      batch.forEach(p -> p.failIfOpen(new NotCommittedException("no database connection", noConnection)));
      return;
    }
    try {
      DeferredWrites.Opening<Transaction> opening =
          Transaction.opening(Duration.between(clock.instant(), deadline), settings.lockTimeout());
      try {
        handle.begin();
      } catch (RuntimeException e) {
        rollbackQuietly(handle);
        if (isConnectionLost(e)) {
          runAgainOnAnotherConnection(batch, e, todo);
        } else {
          batch.forEach(p -> p.failIfOpen(new NotCommittedException("could not start the transaction", e)));
        }
        return;
      }
      DeferredWrites held = new DeferredWrites(opening);
      for (int i = 0; i < batch.size(); i++) {
        Pending<?> pending = batch.get(i);
        try {
          pending.run(unitOfWork, handle, held);
        } catch (DeferredWrites.FlushFailedException failed) {
          rerunEachAlone(handle, batch, failed, todo);
          return;
        } catch (RuntimeException | Error failed) {
          rollbackQuietly(handle);
          if (isConnectionLost(failed)) {
            runAgainOnAnotherConnection(batch, failed, todo);
          } else if (batch.size() == 1) {
            pending.failIfOpen(translate(failed));
          } else {
            List<Pending<?>> others = new ArrayList<>(batch);
            others.remove(i);
            todo.addFirst(others);
            todo.addFirst(List.of(pending));
          }
          return;
        }
      }
      try {
        held.flush(handle.getConnection());
      } catch (DeferredWrites.FlushFailedException failed) {
        rerunEachAlone(handle, batch, failed, todo);
        return;
      }
      Transaction tx = opening.row();
      List<Pending<?>> committing = new ArrayList<>();
      for (Pending<?> pending : batch) {
        if (pending.startCommit()) {
          committing.add(pending);
        }
      }
      if (committing.size() < batch.size()) {
        // Someone gave up before the COMMIT: their work must not commit, so the rest runs again without it.
        rollbackQuietly(handle);
        committing.forEach(Pending::backToRunning);
        todo.addFirst(committing);
        return;
      }
      try {
        handle.getConnection().setNetworkTimeout(Runnable::run, (int) commitWait(deadline).toMillis());
        handle.commit();
      } catch (RuntimeException | SQLException commitFailed) {
        if (isConnectionLost(commitFailed)) {
          resolveUnknownCommit(batch, tx, commitFailed, todo);
        } else {
          rollbackQuietly(handle);
          batch.forEach(Pending::backToRunning);
          if (batch.size() == 1) {
            batch.getFirst().failIfOpen(translate(commitFailed));
          } else {
            batch.forEach(p -> todo.addLast(List.of(p)));
          }
        }
        return;
      }
      batch.forEach(Pending::succeed);
    } finally {
      closeQuietly(handle);
    }
  }

  /**
   * A held write failed, and which unit made it is unknown: the batch rolls back and, alone, each unit's own writes are
   * the only ones held, so the one whose write fails gets its own error and the rest commit.
   */
  private void rerunEachAlone(Handle handle, List<Pending<?>> batch, DeferredWrites.FlushFailedException failed,
      Deque<List<Pending<?>>> todo) {
    rollbackQuietly(handle);
    if (isConnectionLost(failed)) {
      runAgainOnAnotherConnection(batch, failed, todo);
    } else if (batch.size() == 1) {
      batch.getFirst().failIfOpen(translate(failed));
    } else {
      batch.reversed().forEach(p -> todo.addFirst(List.of(p)));
    }
  }

  /**
   * The connection broke before the COMMIT was sent, so nothing of the batch is stored and it runs again as it was, on
   * another connection, until its units' deadlines; a pause between attempts keeps an outage from becoming a busy loop.
   * A lost connection says nothing about the units, so none of them is singled out.
   */
  private void runAgainOnAnotherConnection(List<Pending<?>> batch, Throwable cause, Deque<List<Pending<?>>> todo) {
    LOG.warn("the connection broke before the COMMIT of {} intake units ({}); running them again on another connection",
        batch.size(), stateOf(cause));
    evictPooledConnections.run();
    LockSupport.parkNanos(ASK_AGAIN_PAUSE.toNanos());
    todo.addFirst(batch);
  }

  private static String stateOf(Throwable failure) {
    return sqlState(failure).map(state -> "SQL state " + state).orElse(failure.getClass().getSimpleName());
  }

  private Duration commitWait(Instant deadline) {
    Duration left = Duration.between(clock.instant(), deadline);
    return left.compareTo(SHORTEST_COMMIT_WAIT) < 0 ? SHORTEST_COMMIT_WAIT : left;
  }

  private void resolveUnknownCommit(List<Pending<?>> batch, Transaction tx, Exception cause, Deque<List<Pending<?>>> todo) {
    LOG.warn("the connection broke during COMMIT of {} intake units ({}); asking the database whether transaction {} committed",
        batch.size(), cause.toString(), tx.xid());
    evictPooledConnections.run();
    Optional<String> status;
    try {
      status = askUntilAnswered(tx);
    } catch (RuntimeException unreachable) {
      LOG.error("could not learn whether transaction {} committed", tx.xid(), unreachable);
      batch.forEach(p -> p.fail(new CommitOutcomeUnknownException(
          "the database did not answer whether the request was stored; retry with the same Idempotency-Key", unreachable)));
      return;
    }
    LOG.warn("transaction {} of {} intake units: {}", tx.xid(), batch.size(), status.orElse("unknown"));
    switch (status.orElse("unknown")) {
      case "committed" -> batch.forEach(Pending::succeed);
      case "aborted" -> {
        batch.forEach(Pending::backToRunning);
        todo.addFirst(batch);
      }
      default -> batch.forEach(p -> p.fail(new CommitOutcomeUnknownException(
          "the database could not tell whether the request was stored; retry with the same Idempotency-Key", cause)));
    }
  }

  /**
   * Asks again, on another connection, while the question fails because a connection did, for up to one request
   * timeout: whatever broke the batch's connection (an operator ending every session, a proxy resetting them) has
   * often broken the idle ones in the pool too, and the pool hands out one used in the last half second unchecked.
   */
  private Optional<String> askUntilAnswered(Transaction tx) {
    Instant giveUp = clock.instant().plus(settings.requestTimeout());
    while (true) {
      try {
        return tx.statusOnFreshConnection(unitOfWork.jdbi());
      } catch (RuntimeException failed) {
        if (!isConnectionLost(failed) || !clock.instant().isBefore(giveUp)) {
          throw failed;
        }
        LOG.debug("asking whether transaction {} committed failed with its connection ({}); asking on another",
            tx.xid(), failed.toString());
        LockSupport.parkNanos(ASK_AGAIN_PAUSE.toNanos());
      }
    }
  }

  /** Errors that mean "not now" rather than "never": the caller may retry the same request. */
  private static RuntimeException translate(Throwable failure) {
    if (isTransient(failure)) {
      return new NotCommittedException("the database refused the request for now (" + sqlState(failure).orElse("busy") + ")", failure);
    }
    return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
  }

  private static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientException || t instanceof NotCommittedException) {
        return true;
      }
    }
    // 25P03: this node paused inside the transaction past idle_in_transaction_session_timeout, and PostgreSQL ended
    // the session, rolling the transaction back.
    return isConnectionLost(failure) || sqlState(failure).filter(state -> state.equals("25P03")
        || state.equals("55P03") || state.equals("57014") || state.equals("40001") || state.equals("40P01")).isPresent();
  }

  /** The COMMIT was sent and no answer came back: the connection, not the transaction, failed. */
  private static boolean isConnectionLost(Throwable failure) {
    return sqlState(failure).filter(state -> state.startsWith("08") || state.startsWith("57P")).isPresent();
  }

  private static Optional<String> sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return Optional.of(sql.getSQLState());
      }
    }
    return Optional.empty();
  }

  private static void rollbackQuietly(Handle handle) {
    try {
      handle.rollback();
    } catch (RuntimeException e) {
      LOG.debug("rollback failed (the connection is gone, and the transaction with it): {}", e.toString());
    }
  }

  private static void closeQuietly(Handle handle) {
    try {
      handle.close();
    } catch (RuntimeException e) {
      LOG.debug("closing a broken connection failed: {}", e.toString());
    }
  }

  /** Units waiting for a writer (not those in a batch being written). */
  int waiting() {
    return queue.size();
  }

  boolean accepting() {
    return accepting;
  }

  /**
   * Stops taking work, lets the writers finish what is queued (within one request timeout), then answers whatever is
   * still queued with {@link NotCommittedException}.
   */
  @Override
  public void close() {
    synchronized (intake) {
      accepting = false;
    }
    long waitMillis = settings.requestTimeout().toMillis() + SHORTEST_COMMIT_WAIT.toMillis();
    for (Thread writer : writers) {
      try {
        writer.join(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Pending<?> left;
    while ((left = queue.poll()) != null) {
      left.failIfOpen(new NotCommittedException("this node is shutting down"));
    }
    deadlines.interrupt();
  }

  /**
   * The batch's transaction id and backend, and when the server's shared statistics were last reset, learnt in the
   * statement that sets its timeouts, which goes ahead of the batch's first statement in the same round trip.
   *
   * <p>The statistics' reset time marks a crash: recovering from one, PostgreSQL discards them and resets the time
   * (a backend killed, the server stopped with {@code -m immediate}, the host lost; a clean restart keeps them). After
   * a crash it also hands out again every transaction id it had not yet written to the WAL, so the status of this
   * batch's id may be a later transaction's: a lost batch read as committed, seen by an attacker after immediate
   * restarts under load. An id whose COMMIT reached the WAL is never handed out again, so only a "committed" after a
   * crash is in doubt; anything else means this batch's COMMIT did not survive.
   */
  private record Transaction(String xid, int backendPid, String statsReset) {
    static DeferredWrites.Opening<Transaction> opening(Duration untilDeadline, Duration lockTimeout) {
      long statementMillis = Math.max(1, untilDeadline.toMillis());
      long lockMillis = Math.max(1, Math.min(statementMillis, lockTimeout.toMillis()));
      return new DeferredWrites.Opening<>("""
              SELECT set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true),
                     pg_current_xact_id()::text AS xid, pg_backend_pid() AS pid,
                     pg_stat_get_bgwriter_stat_reset_time()::text AS stats_reset""",
              rs -> new Transaction(rs.getString("xid"), rs.getInt("pid"), rs.getString("stats_reset")),
              lockMillis + "ms", statementMillis + "ms");
    }

    /**
     * {@code committed}, {@code aborted}, or empty when the database cannot tell. A backend that still holds the
     * transaction open (its client vanished, it did not) is terminated first, so the answer is final.
     */
    Optional<String> statusOnFreshConnection(org.jdbi.v3.core.Jdbi jdbi) {
      return jdbi.withHandle(h -> {
        for (int asked = 0; asked < 20; asked++) {
          Status now = h.createQuery("""
                  SELECT CASE WHEN CAST(:xid AS xid8) >= pg_snapshot_xmax(pg_current_snapshot()) THEN 'not yet assigned'
                              ELSE pg_xact_status(CAST(:xid AS xid8)) END AS status,
                         pg_stat_get_bgwriter_stat_reset_time()::text AS stats_reset""")
              .bind("xid", xid)
              .map((rs, ctx) -> new Status(Optional.ofNullable(rs.getString("status")), rs.getString("stats_reset")))
              .one();
          if (!Objects.equals(statsReset, now.statsReset())) {
            LOG.warn("the database crashed or reset its statistics since transaction {} began; its status reads {}",
                xid, now.status().orElse("unknown"));
            return now.status().filter(status -> !status.equals("committed")).map(status -> "aborted");
          }
          if (now.status().isEmpty() || !now.status().get().equals("in progress")) {
            return now.status().filter(status -> !status.equals("not yet assigned"));
          }
          h.createQuery("""
                  SELECT pg_terminate_backend(pid, 1000) FROM pg_stat_activity
                  WHERE pid = :pid AND backend_xid = xid(CAST(:xid AS xid8))""")
              .bind("pid", backendPid).bind("xid", xid).mapTo(Boolean.class).findOne();
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
          }
        }
        return Optional.empty();
      });
    }

    private record Status(Optional<String> status, String statsReset) {}
  }

  /**
   * One caller's unit and where it stands. Only the caller abandons (before the COMMIT is sent); only a writer moves
   * it to running, committing and settled.
   */
  private static final class Pending<T> {
    enum State { QUEUED, RUNNING, COMMITTING, SETTLED, ABANDONED }

    final Supplier<T> work;
    final String contendedKey;
    final Instant deadline;
    final long arrival;
    final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
    final CompletableFuture<T> result = new CompletableFuture<>();
    private T value;

    Pending(Supplier<T> work, String contendedKey, Instant deadline, long arrival) {
      this.work = work;
      this.contendedKey = contendedKey;
      this.deadline = deadline;
      this.arrival = arrival;
    }

    /** Takes the unit into a batch, unless its caller gave up or its deadline passed. */
    boolean claim(Instant now) {
      if (!state.compareAndSet(State.QUEUED, State.RUNNING) && state.get() != State.RUNNING) {
        return false;
      }
      if (!now.isBefore(deadline) && state.compareAndSet(State.RUNNING, State.ABANDONED)) {
        result.completeExceptionally(new NotCommittedException("not committed before its deadline"));
        return false;
      }
      return state.get() == State.RUNNING;
    }

    void run(JdbiUnitOfWork unitOfWork, Handle handle, DeferredWrites held) {
      value = unitOfWork.withBound(handle, held, work);
    }

    boolean abandon() {
      return state.compareAndSet(State.QUEUED, State.ABANDONED) || state.compareAndSet(State.RUNNING, State.ABANDONED);
    }

    boolean startCommit() {
      return state.compareAndSet(State.RUNNING, State.COMMITTING);
    }

    void backToRunning() {
      state.compareAndSet(State.COMMITTING, State.RUNNING);
    }

    void succeed() {
      state.set(State.SETTLED);
      result.complete(value);
    }

    boolean committing() {
      return state.get() == State.COMMITTING;
    }

    /** Settles with an error, unless the COMMIT was already sent (then only its outcome may answer). */
    void failIfOpen(RuntimeException error) {
      if (state.compareAndSet(State.QUEUED, State.SETTLED) || state.compareAndSet(State.RUNNING, State.SETTLED)) {
        result.completeExceptionally(error);
      }
    }

    void fail(RuntimeException error) {
      state.set(State.SETTLED);
      result.completeExceptionally(error);
    }
  }
}
