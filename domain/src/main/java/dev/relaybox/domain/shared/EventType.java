package dev.relaybox.domain.shared;

import java.util.Objects;
import java.util.regex.Pattern;

/** A dotted, lower-case event type such as {@code assistance.requested} or {@code order.shipped}. */
public record EventType(String value) {
  private static final Pattern FORMAT = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

  public EventType {
    Objects.requireNonNull(value, "event type");
    if (value.length() > 200 || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("event type must be dotted lower-case words, got '" + value + "'");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
