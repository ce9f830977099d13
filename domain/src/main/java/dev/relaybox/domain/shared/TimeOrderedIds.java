package dev.relaybox.domain.shared;

import java.time.Clock;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * UUIDv7 ids (RFC 9562): the first 48 bits are Unix milliseconds, so ids sort by creation time
 * and index well, while the 74 random bits keep them unguessable.
 */
public final class TimeOrderedIds {
  private final Clock clock;
  private final RandomGenerator random;

  public TimeOrderedIds(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  public UUID next() {
    long millis = clock.millis();
    long randA = random.nextLong() & 0x0FFFL;
    long msb = (millis << 16) | 0x7000L | randA;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
