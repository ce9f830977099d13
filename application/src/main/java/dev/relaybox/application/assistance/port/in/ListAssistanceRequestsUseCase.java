package dev.relaybox.application.assistance.port.in;

import dev.relaybox.domain.assistance.AssistanceRequest;
import dev.relaybox.domain.assistance.AssistanceStatus;
import dev.relaybox.domain.assistance.Topic;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface ListAssistanceRequestsUseCase {

  AssistancePage list(ListAssistanceRequestsQuery query);

  /** Newest first; {@code before} is the cursor (the last id of the previous page). */
  record ListAssistanceRequestsQuery(Optional<AssistanceStatus> status, Optional<Topic> topic, int limit, Optional<UUID> before) {
    public static final int MAX_LIMIT = 200;

    public ListAssistanceRequestsQuery {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw dev.relaybox.domain.shared.ValidationException.of("limit", "must be between 1 and " + MAX_LIMIT);
      }
    }
  }

  record AssistancePage(List<AssistanceRequest> requests, Optional<UUID> next) {
    public AssistancePage {
      requests = List.copyOf(requests);
    }
  }
}
