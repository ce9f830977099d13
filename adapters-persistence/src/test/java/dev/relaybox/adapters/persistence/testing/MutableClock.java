package dev.relaybox.adapters.persistence.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still until a test moves it. Instants are whole microseconds, as Postgres stores them. */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  public static MutableClock at(Instant start) {
    return new MutableClock(new AtomicReference<>(start.truncatedTo(ChronoUnit.MICROS)), ZoneOffset.UTC);
  }

  /** Stopped at the current wall-clock millisecond. */
  public static MutableClock startingNow() {
    return at(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  public void set(Instant instant) {
    now.set(instant.truncatedTo(ChronoUnit.MICROS));
  }

  public Instant advance(Duration by) {
    return now.updateAndGet(i -> i.plus(by).truncatedTo(ChronoUnit.MICROS));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId other) {
    return new MutableClock(now, other);
  }
}
