package dev.relaybox.application.jobs;

import java.util.Objects;
import java.util.regex.Pattern;

/** Which event types a subscription receives: an exact type ({@code order.shipped}), a prefix ({@code order.*}) or {@code *}. */
public record EventFilter(String pattern) {
  private static final Pattern FORMAT = Pattern.compile("\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?");

  public EventFilter {
    Objects.requireNonNull(pattern, "pattern");
    if (!FORMAT.matcher(pattern).matches()) {
      throw new IllegalArgumentException("event filter must be an event type, a prefix like 'order.*' or '*', got '" + pattern + "'");
    }
  }

  public boolean matches(String eventType) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith(".*")) {
      return eventType.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(eventType);
  }
}
