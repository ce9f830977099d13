package dev.relaybox.application.assistance.port.in;

import dev.relaybox.domain.assistance.Description;
import dev.relaybox.domain.assistance.Topic;
import dev.relaybox.domain.shared.Violations;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A bot's request for help. Validates itself: the topic's format and the description's length and characters, the
 * metadata's size, and the idempotency key's shape. Whether the topic is routed is the use case's check.
 */
public record RequestAssistanceCommand(
    Topic topic,
    Description description,
    String metadataJson,
    Optional<String> idempotencyKey,
    String correlationId,
    String traceparent,
    String caller) {

  public static final int MAX_METADATA_BYTES = 8 * 1024;
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  public RequestAssistanceCommand {
    metadataJson = metadataJson == null || metadataJson.isBlank() ? "{}" : metadataJson;
    idempotencyKey = idempotencyKey == null ? Optional.empty() : idempotencyKey;
    correlationId = correlationId == null ? "" : correlationId;
    traceparent = traceparent == null ? "" : traceparent;
    caller = caller == null ? "" : caller;
  }

  public RequestAssistanceCommand(Topic topic, Description description, String metadataJson, Optional<String> idempotencyKey,
      String correlationId, String traceparent) {
    this(topic, description, metadataJson, idempotencyKey, correlationId, traceparent, "");
  }

  /** The same command from {@code caller} (an API key's id): idempotency keys of different callers never meet. */
  public RequestAssistanceCommand from(String caller) {
    return new RequestAssistanceCommand(topic, description, metadataJson, idempotencyKey, correlationId, traceparent, caller);
  }

  public RequestAssistanceCommand(Topic topic, Description description, String metadataJson, Optional<String> idempotencyKey,
      String correlationId) {
    this(topic, description, metadataJson, idempotencyKey, correlationId, "");
  }

  /** Builds a command from raw input, reporting every invalid field at once. */
  public static RequestAssistanceCommand of(String topic, String description, String metadataJson,
      Optional<String> idempotencyKey, String correlationId) {
    return of(topic, description, metadataJson, idempotencyKey, correlationId, "");
  }

  /** As {@link #of(String, String, String, Optional, String)}, with the W3C traceparent of the call. */
  public static RequestAssistanceCommand of(String topic, String description, String metadataJson,
      Optional<String> idempotencyKey, String correlationId, String traceparent) {
    Violations violations = new Violations();
    Topic parsedTopic = violations.collect(() -> Topic.parse(topic));
    Description parsedDescription = violations.collect(() -> new Description(description));
    if (metadataJson != null && metadataJson.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
      violations.add("metadata", "must be at most " + MAX_METADATA_BYTES + " bytes of JSON");
    }
    idempotencyKey.ifPresent(key -> {
      if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
        violations.add("Idempotency-Key", "must be 1-" + MAX_IDEMPOTENCY_KEY_LENGTH + " visible ASCII characters");
      }
    });
    violations.throwIfAny();
    return new RequestAssistanceCommand(parsedTopic, parsedDescription, metadataJson, idempotencyKey, correlationId, traceparent);
  }

}
