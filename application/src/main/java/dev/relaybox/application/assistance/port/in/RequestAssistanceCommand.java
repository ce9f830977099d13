package dev.relaybox.application.assistance.port.in;

import dev.relaybox.domain.assistance.Description;
import dev.relaybox.domain.assistance.Topic;
import dev.relaybox.domain.shared.ValidationException;
import dev.relaybox.domain.shared.Violation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
    String traceparent) {

  public static final int MAX_METADATA_BYTES = 8 * 1024;
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  public RequestAssistanceCommand {
    metadataJson = metadataJson == null || metadataJson.isBlank() ? "{}" : metadataJson;
    idempotencyKey = idempotencyKey == null ? Optional.empty() : idempotencyKey;
    correlationId = correlationId == null ? "" : correlationId;
    traceparent = traceparent == null ? "" : traceparent;
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
    List<Violation> violations = new ArrayList<>();
    Topic parsedTopic = collect(violations, () -> Topic.parse(topic));
    Description parsedDescription = collect(violations, () -> new Description(description));
    if (metadataJson != null && metadataJson.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
      violations.add(new Violation("metadata", "must be at most " + MAX_METADATA_BYTES + " bytes of JSON"));
    }
    idempotencyKey.ifPresent(key -> {
      if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
        violations.add(new Violation("Idempotency-Key", "must be 1-" + MAX_IDEMPOTENCY_KEY_LENGTH + " visible ASCII characters"));
      }
    });
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return new RequestAssistanceCommand(parsedTopic, parsedDescription, metadataJson, idempotencyKey, correlationId, traceparent);
  }

  private static <T> T collect(List<Violation> violations, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (ValidationException e) {
      violations.addAll(e.violations());
      return null;
    }
  }
}
