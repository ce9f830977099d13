package dev.relaybox.adapters.http.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.application.webhooks.EventCatalogue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The served document names exactly the event types the catalogue knows, so subscribers read a true list. */
class EventTypesDocumentTest {
  @Test
  void theEnvelopeTypeListsExactlyTheEventCatalogue() throws Exception {
    JsonNode document = new ObjectMapper().readTree(OpenApiDocument.assemble(JsonSupport.mapper()));
    List<String> documented = new ArrayList<>();
    document.path("components").path("schemas").path("EventEnvelope").path("properties").path("type").path("enum")
        .forEach(t -> documented.add(t.asText()));
    assertEquals(EventCatalogue.types(), documented);
  }
}
