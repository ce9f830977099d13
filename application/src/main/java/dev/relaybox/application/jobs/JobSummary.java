package dev.relaybox.application.jobs;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A job as the admin API lists it. */
public record JobSummary(
    long id,
    String subscription,
    JobState state,
    Optional<UUID> eventId,
    Optional<String> eventType,
    Optional<String> key,
    Optional<String> dedupeKey,
    int attempts,
    Instant runAt,
    Instant createdAt,
    Optional<Instant> finishedAt,
    Optional<String> leaseOwner,
    Optional<Instant> leaseUntil,
    Optional<String> lastError) {}
