package dev.relaybox.domain.assistance;

import dev.relaybox.domain.shared.ValidationException;
import java.util.Locale;
import java.util.regex.Pattern;

/** What a bot needs help with, e.g. {@code sales}; matched case-insensitively, so it is kept lower-case. */
public record Topic(String value) {
  private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public Topic {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw ValidationException.of("topic", "must be 1-64 letters, digits, '_' or '-'");
    }
  }

  public static Topic parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ValidationException.of("topic", "is required");
    }
    return new Topic(raw.strip().toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return value;
  }
}
