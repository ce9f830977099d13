package dev.relaybox.adapters.http.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code charset} parameters of a Content-Type, read one way for the gate that refuses a charset the JVM lacks and
 * for the JSON bodies that refuse any but UTF-8: every one of them (a second must not slip another charset past the
 * first), unquoted and lower-cased.
 */
final class DeclaredCharsets {
  private DeclaredCharsets() {}

  /** @param segments the Content-Type split at its semicolons */
  static List<String> in(String[] segments) {
    List<String> charsets = new ArrayList<>();
    for (String segment : segments) {
      int equals = segment.indexOf('=');
      if (equals > 0 && segment.substring(0, equals).strip().equalsIgnoreCase("charset")) {
        String value = segment.substring(equals + 1).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        charsets.add(value.toLowerCase(Locale.ROOT));
      }
    }
    return charsets;
  }
}
