package dev.relaybox.domain.assistance;

import dev.relaybox.domain.shared.EventType;
import java.time.Instant;
import java.util.UUID;

/** A bot asked for help; on the wire {@code assistance.requested}. */
public record AssistanceRequested(UUID requestId, Topic topic, Instant requestedAt) {
  public static final EventType TYPE = new EventType("assistance.requested");
}
