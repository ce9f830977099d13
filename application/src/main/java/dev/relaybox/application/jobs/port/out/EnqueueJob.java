package dev.relaybox.application.jobs.port.out;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A command for one handler. {@code runAt} delays it; {@code dedupeKey} makes a second enqueue a no-op while a job
 * with the same key is unfinished; {@code key} orders it behind earlier jobs of the same key on FIFO subscriptions.
 */
public record EnqueueJob(
    String handler,
    String payloadJson,
    Optional<Instant> runAt,
    Optional<String> dedupeKey,
    Optional<String> key,
    Map<String, String> headers) {

  public EnqueueJob {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(payloadJson, "payloadJson");
    runAt = runAt == null ? Optional.empty() : runAt;
    dedupeKey = dedupeKey == null ? Optional.empty() : dedupeKey;
    key = key == null ? Optional.empty() : key;
    headers = Map.copyOf(headers == null ? Map.of() : headers);
  }

  public static EnqueueJob of(String handler, String payloadJson) {
    return new EnqueueJob(handler, payloadJson, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
  }

  public EnqueueJob runAt(Instant when) {
    return new EnqueueJob(handler, payloadJson, Optional.of(when), dedupeKey, key, headers);
  }

  public EnqueueJob dedupeKey(String value) {
    return new EnqueueJob(handler, payloadJson, runAt, Optional.of(value), key, headers);
  }

  public EnqueueJob key(String value) {
    return new EnqueueJob(handler, payloadJson, runAt, dedupeKey, Optional.of(value), headers);
  }

  public EnqueueJob headers(Map<String, String> value) {
    return new EnqueueJob(handler, payloadJson, runAt, dedupeKey, key, value);
  }
}
