package dev.relaybox.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Holds live responses to the served OpenAPI document: the status must be documented for the operation (405 and an
 * overloaded 503 may come from any operation), and a JSON body must validate against the documented schema.
 */
final class OpenApiContract {
  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Map<Integer, String> ANY_OPERATION = Map.of(405, "MethodNotAllowed", 503, "Unavailable");
  private final JsonNode document;

  OpenApiContract(JsonNode document) {
    this.document = document;
  }

  static OpenApiContract servedBy(TestApi anonymous) {
    return new OpenApiContract(TestApi.json(anonymous.get("/openapi.json")));
  }

  /** Throws with every difference between the response and the document. */
  void check(String method, String path, HttpResponse<String> response) {
    List<String> problems = problems(method, path, response);
    if (!problems.isEmpty()) {
      throw new AssertionError(method + " " + path + " -> " + response.statusCode() + " " + response.body()
          + " does not match the OpenAPI document: " + problems);
    }
  }

  List<String> problems(String method, String path, HttpResponse<String> response) {
    String template = template(path.replaceFirst("\\?.*", ""));
    if (template == null) {
      return List.of("no documented path matches " + path);
    }
    JsonNode operation = document.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
    if (operation.isMissingNode()) {
      return response.statusCode() == 405 ? checkBody(shared(405), response) : List.of(method + " " + template + " is not documented");
    }
    String status = Integer.toString(response.statusCode());
    JsonNode documented = operation.path("responses").path(status);
    if (documented.isMissingNode()) {
      documented = ANY_OPERATION.containsKey(response.statusCode()) ? shared(response.statusCode()) : documented;
    }
    if (documented.isMissingNode()) {
      return List.of("status " + status + " is not documented for " + method + " " + template);
    }
    return checkBody(resolve(documented), response);
  }

  private JsonNode shared(int status) {
    return document.path("components").path("responses").path(ANY_OPERATION.get(status));
  }

  private List<String> checkBody(JsonNode documented, HttpResponse<String> response) {
    String contentType = response.headers().firstValue("Content-Type").orElse("").replaceFirst(";.*", "").strip();
    List<String> problems = new ArrayList<>();
    documented.path("headers").properties().forEach(header -> {
      if (header.getValue().path("required").asBoolean(false) && response.headers().firstValue(header.getKey()).isEmpty()) {
        problems.add("header " + header.getKey() + " is missing");
      }
    });
    if (!contentType.contains("json")) {
      return problems;
    }
    JsonNode media = documented.path("content").path(contentType);
    if (media.isMissingNode()) {
      problems.add("content type " + contentType + " is not documented");
      return problems;
    }
    JsonNode body;
    try {
      body = TestApi.JSON.readTree(response.body());
    } catch (IOException e) {
      problems.add("the body is not JSON");
      return problems;
    }
    ObjectNode root = document.deepCopy();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.withObject("/$defs").set("response", media.path("schema"));
    root.put("$ref", "#/$defs/response");
    for (Error error : SCHEMAS.getSchema(root).validate(body)) {
      problems.add(error.toString());
    }
    return problems;
  }

  /** The documented path template matching {@code path}, the one with the most literal segments. */
  private String template(String path) {
    String best = null;
    long bestLiterals = -1;
    for (var it = document.path("paths").fieldNames(); it.hasNext(); ) {
      String template = it.next();
      String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
      if (path.matches(regex)) {
        long literals = java.util.Arrays.stream(template.split("/")).filter(s -> !s.isEmpty() && !s.startsWith("{")).count();
        if (literals > bestLiterals) {
          best = template;
          bestLiterals = literals;
        }
      }
    }
    return best;
  }

  private JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    while (current.has("$ref")) {
      current = document.at(current.get("$ref").asText().substring(1));
    }
    return current;
  }
}
