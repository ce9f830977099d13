package dev.relaybox.application.jobs;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A job this node holds a lease on. {@code attempt} starts at 1 and only counts attempts for the retry policy;
 * {@code leaseToken} is the fencing token of this claim, unique across all claims, and fences every write about it.
 * {@code leaseUntil} is when the claim's lease runs out unless a heartbeat extends it: after it another node may have
 * taken the job over, so a side effect that cannot be fenced (a send) should not start later than that without
 * checking the lease again.
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
    Instant createdAt,
    Instant leaseUntil) {

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
