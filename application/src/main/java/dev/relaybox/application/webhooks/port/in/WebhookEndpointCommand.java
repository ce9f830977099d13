package dev.relaybox.application.webhooks.port.in;

import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.webhooks.EventCatalogue;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import dev.relaybox.domain.shared.Violations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fields of a create ({@code url} and {@code eventTypes} required) or a patch (every field optional). The URL's
 * form is checked here; whether its host is public is checked by the service, which resolves it.
 */
public record WebhookEndpointCommand(Optional<String> url, Optional<List<EventFilter>> eventTypes, Optional<String> description,
    Optional<Boolean> enabled) {
  public static final int MAX_EVENT_TYPES = 50;
  public static final int MAX_DESCRIPTION = 500;

  public static WebhookEndpointCommand create(String url, List<String> eventTypes, String description) {
    Violations v = new Violations();
    if (url == null) v.add("url", "is required");
    if (eventTypes == null) v.add("eventTypes", "is required: a list such as [\"order.shipped\", \"order.*\", \"*\"]");
    WebhookEndpointCommand command = parse(v, url, eventTypes, description, null);
    v.throwIfAny();
    return command;
  }

  public static WebhookEndpointCommand patch(String url, List<String> eventTypes, String description, Boolean enabled) {
    Violations v = new Violations();
    if (url == null && eventTypes == null && description == null && enabled == null) {
      v.add("body", "change at least one of url, eventTypes, description, enabled");
    }
    WebhookEndpointCommand command = parse(v, url, eventTypes, description, enabled);
    v.throwIfAny();
    return command;
  }

  private static WebhookEndpointCommand parse(Violations v, String url, List<String> eventTypes, String description, Boolean enabled) {
    if (url != null) {
      try {
        OutboundUrlGuard.parse(url);
      } catch (OutboundUrlGuard.RefusedUrlException e) {
        v.add("url", e.getMessage());
      }
    }
    List<EventFilter> filters = null;
    if (eventTypes != null) {
      filters = new ArrayList<>();
      if (eventTypes.isEmpty() || eventTypes.size() > MAX_EVENT_TYPES) {
        v.add("eventTypes", "must list 1 to " + MAX_EVENT_TYPES + " event types");
      }
      for (int i = 0; i < eventTypes.size(); i++) {
        String raw = eventTypes.get(i);
        try {
          EventFilter filter = new EventFilter(raw == null ? "" : raw);
          if (EventCatalogue.known(filter)) {
            filters.add(filter);
          } else {
            v.add("eventTypes[" + i + "]", "'" + raw + "' matches no event type Relaybox emits; use " + EventCatalogue.describe());
          }
        } catch (IllegalArgumentException e) {
          v.add("eventTypes[" + i + "]", "must be an event type such as order.shipped, a prefix such as order.* or *");
        }
      }
    }
    if (description != null && description.length() > MAX_DESCRIPTION) {
      v.add("description", "must be at most " + MAX_DESCRIPTION + " characters");
    }
    return new WebhookEndpointCommand(Optional.ofNullable(url), Optional.ofNullable(filters), Optional.ofNullable(description),
        Optional.ofNullable(enabled));
  }
}
