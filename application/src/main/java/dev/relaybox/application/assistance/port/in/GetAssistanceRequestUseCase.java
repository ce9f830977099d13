package dev.relaybox.application.assistance.port.in;

import dev.relaybox.domain.assistance.AssistanceRequest;
import java.util.Optional;
import java.util.UUID;

public interface GetAssistanceRequestUseCase {
  Optional<AssistanceRequest> get(UUID id);
}
