package dev.relaybox.application.jobs.port.out;

import java.util.Set;

/**
 * Narrows, at run time, the events a subscription receives below its fixed filter: the relay then creates jobs only
 * for the event types some pattern in the set matches ({@code *}, {@code type}, {@code prefix.*}). Both calls join the
 * caller's unit of work and must run inside one.
 */
public interface SubscriptionInterest {

  /**
   * Holds every node's relay back until the caller's transaction ends. Taken first, it orders the change against the
   * relay: events relayed before it saw the old interest, events relayed after it see the new one.
   */
  void holdRelays();

  /** From the caller's commit on, {@code subscription} receives only events that one of {@code eventTypePatterns} matches. */
  void receiveOnly(String subscription, Set<String> eventTypePatterns);
}
