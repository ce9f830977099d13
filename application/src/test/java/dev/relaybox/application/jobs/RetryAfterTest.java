package dev.relaybox.application.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void readsSecondsAndHttpDatesAndIgnoresGarbage() {
    assertEquals(Optional.of(Duration.ofSeconds(7)), RetryAfter.parse(Optional.of("7"), CLOCK));
    assertEquals(Optional.of(Duration.ofSeconds(30)),
        RetryAfter.parse(Optional.of("Sun, 01 Mar 2026 10:00:30 GMT"), CLOCK));
    assertEquals(Optional.empty(), RetryAfter.parse(Optional.of("soon"), CLOCK));
    assertEquals(Optional.empty(), RetryAfter.parse(Optional.of("-3"), CLOCK));
    assertEquals(Optional.empty(), RetryAfter.parse(Optional.empty(), CLOCK));
  }
}
