package dev.relaybox.adapters.http.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules every part of the OpenAPI document follows (base and every fragment; written down in adapters-http's
 * README): valid JSON Schema 2020-12, {@code required} on every response object, a discriminator on every choice of
 * objects, the 4xx answers an operation can give, examples that match their schemas, and a licence.
 */
class OpenApiDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static JsonNode document;

  @BeforeAll
  static void assemble() throws IOException {
    document = JSON.readTree(OpenApiDocument.assemble(JsonSupport.mapper()));
  }

  @Test
  void everyFragmentFileIsListedInTheBaseAndEveryListedOneExists() throws Exception {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> list = Files.list(resourceDirectory("relaybox/openapi"))) {
      list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).forEach(n -> files.add(n.replace(".json", "")));
    }
    Set<String> listed = new TreeSet<>();
    read(OpenApiDocument.BASE).path("x-relaybox-fragments").forEach(n -> listed.add(n.asText()));
    assertEquals(files, listed, "relaybox/openapi/*.json and x-relaybox-fragments must agree");
  }

  @Test
  void namesAVersionALicenceAndUniqueOperationIds() {
    assertEquals("3.1.0", document.path("openapi").asText());
    assertTrue(document.path("info").path("license").hasNonNull("name"), "info.license.name");
    Set<String> ids = new HashSet<>();
    operations().forEach(op -> assertTrue(ids.add(op.node().path("operationId").asText("")) && op.node().hasNonNull("operationId"),
        op + " needs a unique operationId"));
  }

  @Test
  void everyReferenceResolves() {
    List<String> broken = new ArrayList<>();
    eachNode(document, "", (node, at) -> {
      if (node.has("$ref") && node.get("$ref").isTextual()) {
        String ref = node.get("$ref").asText();
        if (!ref.startsWith("#/") || document.at(ref.substring(1)).isMissingNode()) {
          broken.add(at + " -> " + ref);
        }
      }
    });
    assertEquals(List.of(), broken);
  }

  @Test
  void everySchemaIsValidJsonSchema202012() {
    Schema metaSchema = SCHEMAS.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    List<String> invalid = new ArrayList<>();
    document.path("components").path("schemas").properties().forEach(e ->
        metaSchema.validate(e.getValue()).forEach(error -> invalid.add("components/schemas/" + e.getKey() + ": " + error)));
    for (Operation op : operations()) {
      for (var response : op.node().path("responses").properties()) {
        for (var media : response.getValue().path("content").properties()) {
          JsonNode schema = media.getValue().path("schema");
          if (!schema.isMissingNode()) {
            metaSchema.validate(schema).forEach(error -> invalid.add(op + " " + response.getKey() + ": " + error));
          }
        }
      }
    }
    assertEquals(List.of(), invalid);
  }

  @Test
  void everyResponseObjectListsEveryPropertyAsRequired() {
    List<String> missing = new ArrayList<>();
    Set<String> visited = new HashSet<>();
    for (Operation op : operations()) {
      op.node().path("responses").properties().forEach(r -> requireAll(resolve(r.getValue()), op + " " + r.getKey(), visited, missing));
    }
    assertEquals(List.of(), missing, "a response field is always present (null when it has no value), so every property is required");
  }

  @Test
  void everyChoiceOfObjectsHasADiscriminatorThatEachAlternativeFixes() {
    List<String> problems = new ArrayList<>();
    eachNode(document, "", (node, at) -> {
      for (String keyword : List.of("oneOf", "anyOf")) {
        if (!node.has(keyword)) {
          continue;
        }
        List<JsonNode> objects = new ArrayList<>();
        node.get(keyword).forEach(alternative -> {
          JsonNode resolved = resolve(alternative);
          if (resolved.has("properties")) {
            objects.add(resolved);
          }
        });
        if (objects.size() < 2) {
          continue;
        }
        String property = node.path("discriminator").path("propertyName").asText("");
        if (property.isEmpty()) {
          problems.add(at + ": " + keyword + " of objects without discriminator.propertyName");
          continue;
        }
        for (JsonNode alternative : objects) {
          boolean required = false;
          for (JsonNode name : alternative.path("required")) {
            required |= name.asText().equals(property);
          }
          if (!required || !alternative.path("properties").path(property).has("const")) {
            problems.add(at + ": an alternative does not require '" + property + "' with a const value");
          }
        }
      }
    });
    assertEquals(List.of(), problems);
  }

  @Test
  void everyOperationDocumentsTheClientErrorsItCanGive() {
    List<String> problems = new ArrayList<>();
    for (Operation op : operations()) {
      JsonNode responses = op.node().path("responses");
      if (needsKey(op.node()) && !responses.has("401")) {
        problems.add(op + " needs a key but documents no 401");
      }
      if (op.node().has("requestBody")) {
        for (String status : List.of("400", "413", "415", "422")) {
          if (!responses.has(status)) {
            problems.add(op + " takes a body but documents no " + status);
          }
        }
      }
      boolean takesInput = op.node().has("requestBody") || op.node().path("parameters").size() > 0 || needsKey(op.node());
      boolean hasClientError = false;
      for (Iterator<String> codes = responses.fieldNames(); codes.hasNext(); ) {
        hasClientError |= codes.next().startsWith("4");
      }
      if (takesInput && !hasClientError) {
        problems.add(op + " takes input but documents no 4xx");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyResponseExampleMatchesItsSchema() {
    List<String> mismatches = new ArrayList<>();
    List<JsonNode> responses = new ArrayList<>();
    operations().forEach(op -> op.node().path("responses").forEach(responses::add));
    document.path("components").path("responses").forEach(responses::add);
    for (JsonNode response : responses) {
      for (var media : resolve(response).path("content").properties()) {
        JsonNode schema = media.getValue().path("schema");
        if (schema.isMissingNode() || !media.getKey().contains("json")) {
          continue;
        }
        List<JsonNode> examples = new ArrayList<>();
        if (media.getValue().has("example")) {
          examples.add(media.getValue().get("example"));
        }
        media.getValue().path("examples").forEach(e -> examples.add(e.path("value")));
        for (JsonNode example : examples) {
          schemaOf(schema).validate(example).forEach(error -> mismatches.add(example + ": " + error));
        }
      }
    }
    assertEquals(List.of(), mismatches);
  }

  @Test
  void theSchemaCheckRefusesAResponseThatLeavesOutAField() throws IOException {
    Schema lookup = schemaOf(JSON.readTree("{\"$ref\":\"#/components/schemas/Lookup\"}"));
    String jobsOnly = "{\"id\":\"x\",\"kind\":\"jobs\",\"record\":null,\"jobs\":[]}";

    assertEquals(List.of(), lookup.validate(JSON.readTree(jobsOnly)));
    assertTrue(!lookup.validate(JSON.readTree("{\"id\":\"x\",\"kind\":\"jobs\",\"jobs\":[]}")).isEmpty(), "record left out");
    assertTrue(!lookup.validate(JSON.readTree("{\"id\":\"x\",\"kind\":null,\"record\":null,\"jobs\":[]}")).isEmpty(), "no kind");
  }

  /** {@code schema} as a JSON Schema whose {@code #/components/...} references resolve within the document. */
  static Schema schemaOf(JsonNode schema) {
    ObjectNode root = document.deepCopy();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.withObject("/$defs").set("target", schema);
    root.put("$ref", "#/$defs/target");
    return SCHEMAS.getSchema(root);
  }

  private static void requireAll(JsonNode schema, String at, Set<String> visited, List<String> missing) {
    if (schema.isObject() && schema.has("properties")) {
      Set<String> required = new HashSet<>();
      schema.path("required").forEach(n -> required.add(n.asText()));
      schema.get("properties").fieldNames().forEachRemaining(name -> {
        if (!required.contains(name)) {
          missing.add(at + ": '" + name + "' is not required");
        }
      });
    }
    if (schema.isContainerNode()) {
      for (var child : iterable(schema)) {
        if (child.getKey().equals("example") || child.getKey().equals("examples")) {
          continue;
        }
        JsonNode value = child.getValue();
        if (value.has("$ref")) {
          String ref = value.get("$ref").asText();
          if (visited.add(ref)) {
            requireAll(resolve(value), ref, visited, missing);
          }
        } else {
          requireAll(value, at + "/" + child.getKey(), visited, missing);
        }
      }
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
    if (node.isObject()) {
      return node.properties();
    }
    List<Map.Entry<String, JsonNode>> items = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      items.add(Map.entry(Integer.toString(i), node.get(i)));
    }
    return items;
  }

  private static boolean needsKey(JsonNode operation) {
    JsonNode security = operation.path("security");
    if (security.isEmpty()) {
      return false;
    }
    for (JsonNode alternative : security) {
      if (alternative.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    while (current.has("$ref")) {
      current = document.at(current.get("$ref").asText().substring(1));
    }
    return current;
  }

  record Operation(String method, String path, JsonNode node) {
    @Override
    public String toString() {
      return method.toUpperCase(java.util.Locale.ROOT) + " " + path;
    }
  }

  private static List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
      if (!op.getKey().equals("parameters")) {
        operations.add(new Operation(op.getKey(), path.getKey(), op.getValue()));
      }
    }));
    return operations;
  }

  private interface Visitor {
    void visit(JsonNode node, String at);
  }

  private static void eachNode(JsonNode node, String at, Visitor visitor) {
    if (node.isObject()) {
      visitor.visit(node, at);
      node.properties().forEach(e -> eachNode(e.getValue(), at + "/" + e.getKey(), visitor));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        eachNode(node.get(i), at + "/" + i, visitor);
      }
    }
  }

  private static JsonNode read(String location) throws IOException {
    try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(location)) {
      return JSON.readTree(in);
    }
  }

  private static Path resourceDirectory(String location) throws URISyntaxException {
    return Path.of(OpenApiDocumentTest.class.getClassLoader().getResource(location).toURI());
  }
}
