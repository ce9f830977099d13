package dev.relaybox.application.jobs;

import java.time.Instant;
import java.util.Optional;

/** One line of a job's history: an error, a rescue after an expired lease, a replay or a cancellation. */
public record JobHistoryEntry(Instant at, String kind, int attempt, Optional<String> node, String message) {}
