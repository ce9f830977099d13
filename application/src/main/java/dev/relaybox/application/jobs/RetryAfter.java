package dev.relaybox.application.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads a third party's HTTP {@code Retry-After} (delay seconds or an HTTP date) into the delay for
 * {@link Outcome.Retry}. Anything unreadable means "no hint".
 */
public final class RetryAfter {

  private RetryAfter() {}

  public static Optional<Duration> parse(Optional<String> header, Clock clock) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().strip();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration until = Duration.between(clock.instant(), at);
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
