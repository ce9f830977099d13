package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.jobs.port.out.Payloads;
import java.io.UncheckedIOException;

/** Event and job payloads written and read by Jackson. */
public final class JacksonPayloads implements Payloads {
  private final ObjectMapper json;

  public JacksonPayloads(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String write(Object document) {
    try {
      return json.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public <T extends Record> T read(String payload, Class<T> type) {
    try {
      return json.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a " + type.getSimpleName() + " payload: " + e.getOriginalMessage(), e);
    }
  }
}
