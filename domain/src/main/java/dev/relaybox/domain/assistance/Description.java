package dev.relaybox.domain.assistance;

import dev.relaybox.domain.shared.ValidationException;

/**
 * What the customer asked, as the bot forwarded it: 1-4,000 characters after trimming. Any text is accepted, emoji
 * and markup included (channels escape it); control characters other than tab and newlines are refused because they
 * corrupt messages and logs, and PostgreSQL cannot store NUL.
 */
public record Description(String value) {
  public static final int MAX_CHARACTERS = 4_000;

  public Description {
    if (value == null || value.isBlank()) {
      throw ValidationException.of("description", "is required");
    }
    value = value.strip();
    int characters = value.codePointCount(0, value.length());
    if (characters > MAX_CHARACTERS) {
      throw ValidationException.of("description", "must be at most " + MAX_CHARACTERS + " characters, got " + characters);
    }
    if (value.codePoints().anyMatch(Description::forbidden)) {
      throw ValidationException.of("description", "must not contain control characters other than tab and newline");
    }
  }

  private static boolean forbidden(int codePoint) {
    if (codePoint == '\n' || codePoint == '\r' || codePoint == '\t') {
      return false;
    }
    return Character.getType(codePoint) == Character.CONTROL || Character.getType(codePoint) == Character.SURROGATE;
  }
}
