package dev.relaybox.application.jobs.port.out;

import dev.relaybox.application.jobs.JobRef;

/**
 * Wake-ups from other transactions and nodes: an outbox event was committed, or jobs became available for a
 * subscription. Signals are hints; pollers also poll, so a lost signal only costs latency.
 */
public interface JobSignals {

  void listen(Listener listener);

  interface Listener {
    void outboxAppended();

    void jobsAvailable(String subscription);

    /** The signal source reconnected and may have missed signals: everyone should look. */
    void resync();

    /**
     * An operator cancelled a job while it ran under {@code lease}: a handler running it on this node should stop.
     * Its writes are fenced out anyway; the heartbeat finds the lease gone if this signal is lost.
     */
    default void leaseRevoked(JobRef lease) {}
  }
}
