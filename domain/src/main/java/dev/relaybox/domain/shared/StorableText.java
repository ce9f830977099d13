package dev.relaybox.domain.shared;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The rules for text and dates that PostgreSQL can store and the API promises: no NUL character ({@code text} and
 * {@code jsonb} refuse it), no unpaired UTF-16 surrogate (not valid UTF-8), dates within the years 0001 to 9999. Shared
 * by the HTTP input check and the check of data decoded from a store, so both refuse the same things in the same words.
 */
public final class StorableText {
  private StorableText() {}

  /** Why {@code value} cannot be stored, or empty when it can (null can). */
  public static Optional<String> refusal(String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\0') {
        return Optional.of("contains a NUL character, which cannot be stored");
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return Optional.of("contains an unpaired surrogate, which is not valid Unicode");
      }
    }
    return Optional.empty();
  }

  /** Why {@code instant} is refused (a year outside 0001-9999), or empty. */
  public static Optional<String> dateRefusal(Instant instant) {
    if (instant == null) {
      return Optional.empty();
    }
    int year = instant.atZone(ZoneOffset.UTC).getYear();
    return year < 1 || year > 9999 ? Optional.of("is outside the years 0001 to 9999") : Optional.empty();
  }

  /** {@code value} safe for a log line: control characters and unpaired surrogates are written as {@code \\uXXXX}. */
  public static String forLog(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
      if (pair) {
        out.append(c).append(value.charAt(++i));
      } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
