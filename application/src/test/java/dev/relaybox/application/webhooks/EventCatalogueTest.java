package dev.relaybox.application.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.webhooks.port.in.WebhookEndpointCommand;
import dev.relaybox.domain.shared.ValidationException;
import dev.relaybox.domain.shared.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCatalogueTest {
  @Test
  void holdsEveryContextsEventTypesOnce() {
    List<String> types = EventCatalogue.types();
    assertEquals(types.size(), types.stream().distinct().count(), "no type twice: " + types);
    for (String type : List.of("assistance.requested", "purchase.verified", "purchase.revoked", "store.apple_notification",
        "store.google_notification", "order.created", "order.cancelled", "payment.created", "payment.succeeded", "payment.failed",
        "payment.rejected")) {
      assertTrue(types.contains(type), type + " in " + types);
    }
  }

  @Test
  void aPatternIsKnownWhenItMatchesAtLeastOneType() {
    for (String known : List.of("*", "order.*", "payment.*", "store.*", "order.shipped", "payment.rejected")) {
      assertTrue(EventCatalogue.known(new EventFilter(known)), known);
    }
    for (String unknown : List.of("order.shiped", "nonsense.type", "data", "nonsense.*", "order.shipped.*", "pay.*")) {
      assertFalse(EventCatalogue.known(new EventFilter(unknown)), unknown);
    }
  }

  @Test
  void aCommandWithAnUnknownPatternIsRefusedNamingTheItem() {
    ValidationException create = assertThrows(ValidationException.class,
        () -> WebhookEndpointCommand.create("https://example.com/hook", List.of("order.*", "order.shiped"), null));
    assertEquals(List.of("eventTypes[1]"), create.violations().stream().map(Violation::field).toList());
    assertTrue(create.violations().getFirst().message().contains("'order.shiped' matches no event type"), create.violations().toString());
    ValidationException patch = assertThrows(ValidationException.class,
        () -> WebhookEndpointCommand.patch(null, List.of("data"), null, null));
    assertEquals(List.of("eventTypes[0]"), patch.violations().stream().map(Violation::field).toList());
    assertEquals(List.of(new EventFilter("payment.*")),
        WebhookEndpointCommand.patch(null, List.of("payment.*"), null, null).eventTypes().orElseThrow());
  }
}
