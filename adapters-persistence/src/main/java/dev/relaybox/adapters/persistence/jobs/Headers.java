package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.Map;

/** Headers travel as a flat JSON object of strings in a jsonb column. */
final class Headers {
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
  private final ObjectMapper json;
  private final ObjectReader reader;

  Headers(ObjectMapper json) {
    this.json = json;
    this.reader = json.readerFor(MAP);
  }

  String write(Map<String, String> headers) {
    try {
      return json.writeValueAsString(headers);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("headers are not serialisable", e);
    }
  }

  Map<String, String> read(String text) {
    // Most jobs carry no headers: jsonb prints an empty object as "{}", which needs no parser.
    if (text == null || text.isEmpty() || text.equals("{}")) {
      return Map.of();
    }
    try {
      return reader.readValue(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored headers are not a JSON object of strings", e);
    }
  }
}
