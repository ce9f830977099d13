package dev.relaybox.domain.shared;

import java.util.Objects;

/** One invalid field of an input and why. */
public record Violation(String field, String message) {
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }
}
