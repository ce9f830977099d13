package dev.relaybox.application.assistance.port.out;

import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.AssistancePage;
import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.ListAssistanceRequestsQuery;
import dev.relaybox.domain.assistance.AssistanceRequest;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Assistance requests; every write joins the caller's unit of work. */
public interface AssistanceRequests {

  void add(AssistanceRequest request);

  Optional<AssistanceRequest> find(UUID id);

  AssistancePage list(ListAssistanceRequestsQuery query);

  /** A send failed for now: count it and remember why. */
  void recordFailedAttempt(UUID id, String error);

  /** The current channel gave up: move to route position {@code routeIndex} with a fresh attempt count. */
  void moveToChannel(UUID id, int routeIndex, String error);

  void markDelivered(UUID id, String channel, Instant at);

  void markFailed(UUID id, String error);

  /** A replay after failure starts the route again from its primary channel. */
  void restart(UUID id);
}
