package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** Headers travel as a flat JSON object of strings in a jsonb column. */
final class Headers {
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
  private final ObjectMapper json;

  Headers(ObjectMapper json) {
    this.json = json;
  }

  String write(Map<String, String> headers) {
    try {
      return json.writeValueAsString(headers);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("headers are not serialisable", e);
    }
  }

  Map<String, String> read(String text) {
    if (text == null || text.isEmpty()) {
      return Map.of();
    }
    try {
      return json.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored headers are not a JSON object of strings", e);
    }
  }
}
