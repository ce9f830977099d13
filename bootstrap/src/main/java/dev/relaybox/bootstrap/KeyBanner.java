package dev.relaybox.bootstrap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one-time print of a generated key, in the same format as the log around it: framed text for humans, or one JSON
 * object per line with {@code RELAYBOX_LOG_FORMAT=json}, so a log shipper that parses every line does not choke on it.
 * Printed, never logged through the logger, so the key does not reach log storage by a logger's appenders.
 */
final class KeyBanner {
  static final String HEADLINE = "Relaybox generated an API key (valid for /v1 and /admin). It will not be shown again";
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyBanner() {}

  static String render(String key, String logFormat, Instant at) {
    if (!"json".equals(logFormat)) {
      return String.format("%n==== %s: ====%n%s%n==== Use it as: Authorization: Bearer <key> ====%n%n", HEADLINE, key);
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", at.toEpochMilli());
    line.put("level", "WARN");
    line.put("loggerName", KeyBanner.class.getName());
    line.put("formattedMessage", HEADLINE + "; use it as: Authorization: Bearer <key>");
    line.put("apiKey", key);
    try {
      return JSON.writeValueAsString(line) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
