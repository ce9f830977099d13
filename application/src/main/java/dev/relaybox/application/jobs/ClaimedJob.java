package dev.relaybox.application.jobs;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A job this node holds a lease on. {@code attempt} starts at 1 and fences every later write about this attempt. */
public record ClaimedJob(
    long id,
    String subscription,
    Optional<UUID> eventId,
    Optional<String> eventType,
    Optional<String> key,
    String payloadJson,
    Map<String, String> headers,
    int attempt,
    Instant createdAt) {

  public ClaimedJob {
    headers = Map.copyOf(headers);
  }

  public JobRef ref() {
    return new JobRef(id, attempt);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
