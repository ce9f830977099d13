package dev.relaybox.application.jobs;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A job this node holds a lease on. {@code attempt} starts at 1 and only counts attempts for the retry policy;
 * {@code leaseToken} is the fencing token of this claim, unique across all claims, and fences every write about it.
 */
public record ClaimedJob(
    long id,
    String subscription,
    Optional<UUID> eventId,
    Optional<String> eventType,
    Optional<String> key,
    String payloadJson,
    Map<String, String> headers,
    int attempt,
    long leaseToken,
    Instant createdAt) {

  public ClaimedJob {
    headers = Map.copyOf(headers);
  }

  public JobRef ref() {
    return new JobRef(id, leaseToken);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
