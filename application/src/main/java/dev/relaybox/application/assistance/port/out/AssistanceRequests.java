package dev.relaybox.application.assistance.port.out;

import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.AssistancePage;
import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.ListAssistanceRequestsQuery;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.domain.assistance.AssistanceRequest;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Assistance requests; every write joins the caller's unit of work. */
public interface AssistanceRequests {

  void add(AssistanceRequest request);

  Optional<AssistanceRequest> find(UUID id);

  /**
   * Whether the request's metadata is {@code metadataJson} as a JSON value: the same members with the same values, in
   * any order and spacing.
   */
  boolean hasMetadata(UUID id, String metadataJson);

  /**
   * The request, read in the same round trip that checks the delivery job's {@code lease} is still held: the one
   * look-up a delivery makes before it sends.
   *
   * @throws LeaseLostException when the request exists and the lease is gone (cancelled, rescued, timed out)
   */
  Optional<AssistanceRequest> findWhileHeld(UUID id, JobRef lease);

  AssistancePage list(ListAssistanceRequestsQuery query);

  /** A send failed for now: count it and remember why. */
  void recordFailedAttempt(UUID id, String error);

  /** The current channel gave up: move to route position {@code routeIndex} with a fresh attempt count. */
  void moveToChannel(UUID id, int routeIndex, String error);

  void markDelivered(UUID id, String channel, Instant at);

  void markFailed(UUID id, String error);

  /**
   * An operator stopped its delivery: a pending request fails with {@code reason}, its attempts as they were. Takes
   * the request's row lock first, as {@link #restart} does, so a replayed attempt's restart and the cancel are ordered.
   */
  void markAbandoned(UUID id, String reason);

  /**
   * A replay after failure starts the route again from its primary channel, only while {@code lease} still holds the
   * job, tested under the request's row lock: an operator's cancel either comes first (the request stays failed and
   * nothing restarts) or after (its {@link #markAbandoned} fails the restarted request).
   */
  void restart(UUID id, JobRef lease);
}
