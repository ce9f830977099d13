package dev.relaybox.application.jobs.runner;

import dev.relaybox.application.jobs.JobObserver;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.port.out.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks finished attempts done in batches: whatever completed while the previous statement ran goes into the next
 * one, and writes are spaced at least a batch window apart, so a busy node writes one UPDATE per batch instead of one
 * per job. A job whose completion is not yet written keeps its lease (the runner still heartbeats it), and if the node
 * dies first the job simply runs again.
 */
final class CompletionBatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CompletionBatcher.class);

  private final JobStore store;
  private final Clock clock;
  private final int maxBatch;
  private final Duration retryPause;
  private final RoundSpacing spacing;
  private final BiConsumer<List<JobRef>, Set<String>> afterFlush;
  private final JobObserver observer;
  private final LinkedBlockingQueue<Completion> pending = new LinkedBlockingQueue<>();
  private final OutageLog outage = new OutageLog(LOG, "completing jobs");
  private volatile boolean running = true;
  private Thread flusher;

  /** One finished attempt waiting to be written; the subscription names it in metrics if it turns out stale. */
  private record Completion(JobRef job, String subscription) {}

  CompletionBatcher(JobStore store, Clock clock, int maxBatch, Duration retryPause, Duration window,
      BiConsumer<List<JobRef>, Set<String>> afterFlush, JobObserver observer) {
    this.store = store;
    this.observer = observer;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.retryPause = retryPause;
    this.spacing = new RoundSpacing(window);
    this.afterFlush = afterFlush;
  }

  void start() {
    flusher = Thread.ofVirtual().name("job-completions").start(this::loop);
  }

  void add(JobRef job, String subscription) {
    pending.add(new Completion(job, subscription));
  }

  /** Completions queued and not yet being written. */
  int backlog() {
    return pending.size();
  }

  /** Most completions one statement writes. */
  int maxBatch() {
    return maxBatch;
  }

  /** Stops the flusher after writing everything queued so far (trying until {@code deadlineNanos}). */
  void stop(long deadlineNanos) {
    running = false;
    if (flusher != null) {
      flusher.interrupt();
      try {
        flusher.join(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())).plusSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    while (!pending.isEmpty() && System.nanoTime() < deadlineNanos) {
      if (!flushOnce()) {
        sleep(retryPause);
      }
    }
    if (!pending.isEmpty()) {
      LOG.warn("{} completions could not be written before shutdown; those jobs will run again after their leases expire", pending.size());
    }
  }

  private void loop() {
    while (running) {
      try {
        Completion first = pending.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        pending.add(first);
        if (pending.size() < maxBatch) {
          spacing.awaitTurn(); // a full batch waits for nobody
        }
      } catch (InterruptedException e) {
        if (!running) return;
        continue;
      }
      if (!flushOnce()) {
        sleep(retryPause);
      }
    }
  }

  private boolean flushOnce() {
    List<Completion> batch = new ArrayList<>(Math.min(maxBatch, pending.size()));
    pending.drainTo(batch, maxBatch);
    if (batch.isEmpty()) {
      return true;
    }
    List<JobRef> jobs = batch.stream().map(Completion::job).toList();
    try {
      List<JobRef> stale = store.complete(jobs, clock.instant());
      outage.succeeded();
      if (!stale.isEmpty()) {
        reportStale(batch, stale);
      }
      afterFlush.accept(jobs, batch.stream().map(Completion::subscription).collect(Collectors.toSet()));
      return true;
    } catch (RuntimeException e) {
      outage.failed(e);
      pending.addAll(batch);
      return false;
    }
  }

  private void reportStale(List<Completion> batch, List<JobRef> stale) {
    Set<JobRef> staleSet = Set.copyOf(stale);
    for (Completion completion : batch) {
      if (staleSet.contains(completion.job())) {
        observer.staleWrite(completion.subscription(), "complete");
        LOG.warn("job {} of {}: completion ignored, its lease {} is gone (cancelled, rescued or timed out meanwhile)",
            completion.job().id(), completion.subscription(), completion.job().token());
      }
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
