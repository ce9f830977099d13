package dev.relaybox.application.assistance.port.in;

import dev.relaybox.domain.assistance.AssistanceStatus;
import dev.relaybox.domain.assistance.Topic;
import java.util.UUID;

/** The answer to an intake: the request's id, its current status, and whether an earlier identical call created it. */
public record AssistanceReceipt(UUID id, AssistanceStatus status, Topic topic, boolean replayed) {}
