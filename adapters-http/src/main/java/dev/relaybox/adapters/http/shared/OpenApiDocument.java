package dev.relaybox.adapters.http.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The served OpenAPI document, assembled once from {@code relaybox/openapi.json} and one fragment per bounded context
 * ({@code relaybox/openapi/<name>.json}, named in the base's {@code x-relaybox-fragments}), so that each context keeps
 * its paths and schemas beside its routes. A path or component defined twice stops startup.
 */
final class OpenApiDocument {
  static final String BASE = "relaybox/openapi.json";
  private static final String FRAGMENTS = "x-relaybox-fragments";

  private OpenApiDocument() {
  }

  static byte[] assemble(ObjectMapper json) {
    ObjectNode document = (ObjectNode) read(json, BASE);
    JsonNode names = document.remove(FRAGMENTS);
    if (names != null) {
      for (JsonNode name : names) {
        merge(document, read(json, "relaybox/openapi/" + name.asText() + ".json"), name.asText());
      }
    }
    try {
      return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void merge(ObjectNode document, JsonNode fragment, String name) {
    mergeObject(document.withObject("/paths"), fragment.path("paths"), name);
    if (fragment.has("tags")) {
      ((ArrayNode) document.withArray("/tags")).addAll((ArrayNode) fragment.get("tags"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = fragment.path("components").fields(); it.hasNext(); ) {
      var section = it.next();
      mergeObject(document.withObject("/components").withObject("/" + section.getKey()), section.getValue(), name);
    }
  }

  private static void mergeObject(ObjectNode target, JsonNode source, String fragment) {
    for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
      var entry = it.next();
      if (target.has(entry.getKey())) {
        throw new IllegalStateException("OpenAPI fragment '" + fragment + "' defines " + entry.getKey() + " again");
      }
      target.set(entry.getKey(), entry.getValue());
    }
  }

  private static JsonNode read(ObjectMapper json, String location) {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(location)) {
      if (in == null) {
        throw new IllegalStateException("missing OpenAPI resource " + location);
      }
      return json.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
