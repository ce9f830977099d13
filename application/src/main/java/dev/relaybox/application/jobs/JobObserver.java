package dev.relaybox.application.jobs;

import java.time.Duration;
import java.util.List;

/**
 * What the job runner reports as it works, for metrics and the ops dashboard. Called on the runner's threads, so an
 * implementation must be fast and must not throw. Every method defaults to doing nothing.
 */
public interface JobObserver {

  JobObserver NONE = new JobObserver() {};

  /** {@code count} jobs of {@code subscription} were claimed by this node in one statement. */
  default void claimed(String subscription, int count) {}

  /** A handler returned {@code Done}; the completion is queued (or was written by the handler itself). */
  default void completed(String subscription) {}

  /** An attempt failed and the job will run again later. */
  default void retried(String subscription) {}

  /** The job went dead: a {@code Fail}, or out of attempts. */
  default void dead(String subscription) {}

  /** How long one handler call took, with its outcome: {@code done}, {@code retry} or {@code fail}. */
  default void handlerFinished(String subscription, String outcome, Duration duration) {}

  /**
   * A write about an attempt was fenced out: the job no longer ran under the attempt's lease token (cancelled,
   * rescued, replayed, timed out or given back), so nothing was written. {@code kind} is the write: {@code complete},
   * {@code retry}, {@code defer}, {@code bury}, {@code heartbeat}, {@code markDone} or {@code ensureHeld}.
   */
  default void staleWrite(String subscription, String kind) {}

  /** Reports to every observer in turn. */
  static JobObserver all(List<JobObserver> observers) {
    List<JobObserver> copy = List.copyOf(observers);
    return new JobObserver() {
      @Override public void claimed(String subscription, int count) {
        copy.forEach(o -> o.claimed(subscription, count));
      }

      @Override public void completed(String subscription) {
        copy.forEach(o -> o.completed(subscription));
      }

      @Override public void retried(String subscription) {
        copy.forEach(o -> o.retried(subscription));
      }

      @Override public void dead(String subscription) {
        copy.forEach(o -> o.dead(subscription));
      }

      @Override public void handlerFinished(String subscription, String outcome, Duration duration) {
        copy.forEach(o -> o.handlerFinished(subscription, outcome, duration));
      }

      @Override public void staleWrite(String subscription, String kind) {
        copy.forEach(o -> o.staleWrite(subscription, kind));
      }
    };
  }
}
