package dev.relaybox.bootstrap;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads of environment variables, each failure naming the variable. */
final class Env {
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private final Map<String, String> values;

  Env(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  Optional<String> text(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  String text(String name, String fallback) {
    return text(name).orElse(fallback);
  }

  int integer(String name, int fallback, int min, int max) {
    Optional<String> raw = text(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a whole number, got '" + raw.get() + "'");
    }
  }

  /** Durations as {@code 500ms}, {@code 25s}, {@code 5m}, {@code 2h}, {@code 7d} or ISO-8601 ({@code PT25S}). */
  Duration duration(String name, Duration fallback) {
    Optional<String> raw = text(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    String value = raw.get().toLowerCase(Locale.ROOT);
    if (value.startsWith("-")) {
      throw new ConfigException(name + " must not be negative, got '" + raw.get() + "'");
    }
    Matcher m = SIMPLE_DURATION.matcher(value);
    try {
      Duration parsed;
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        parsed = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      } else {
        parsed = Duration.parse(raw.get().toUpperCase(Locale.ROOT));
      }
      if (parsed.isNegative()) {
        throw new ConfigException(name + " must not be negative");
      }
      return parsed;
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new ConfigException(name + " must be a duration like 500ms, 25s, 5m, 2h, 7d or PT25S, got '" + raw.get() + "'");
    }
  }

  List<String> list(String name) {
    return text(name).map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }
}
