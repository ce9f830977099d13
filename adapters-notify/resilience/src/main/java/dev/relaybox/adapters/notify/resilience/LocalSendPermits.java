package dev.relaybox.adapters.notify.resilience;

import dev.relaybox.application.jobs.port.out.SendPermits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Send permits for one process, with the same rules as the database's {@code take_send_permit} (GCRA, plus a slot
 * reserved for each caller that must wait). For a single node and for tests; a fleet uses the database's. Failsafe's
 * {@code RateLimiter} is not used here because it cannot keep a permit for a caller that comes back later.
 */
public final class LocalSendPermits implements SendPermits {
  private final Clock clock;
  private final Map<String, Instant> scheduled = new HashMap<>();
  private final Map<String, Instant> sent = new HashMap<>();
  private final Map<String, Instant> reserved = new HashMap<>();

  public LocalSendPermits(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Duration take(String bucket, String holder, Rate rate) {
    Instant now = clock.instant();
    Instant tat = latest(scheduled.get(bucket), now);
    Instant sendFrom = latest(sent.get(bucket), now).minus(rate.burstTolerance());
    String slot = bucket + "\u0000" + holder;
    Instant due = reserved.get(slot);
    if (due == null) {
      due = tat.minus(rate.burstTolerance());
      scheduled.put(bucket, tat.plus(rate.interval()));
      Instant at = latest(due, sendFrom);
      if (at.isAfter(now)) {
        Instant forgotten = now.minus(Duration.ofHours(1));
        reserved.values().removeIf(reservedAt -> reservedAt.isBefore(forgotten)); // holders that never came back
        reserved.put(slot, at);
        return Duration.between(now, at);
      }
    } else if (latest(due, sendFrom).isAfter(now)) {
      return Duration.between(now, latest(due, sendFrom));
    } else {
      reserved.remove(slot);
    }
    sent.put(bucket, latest(sent.get(bucket), now).plus(rate.interval()));
    return Duration.ZERO;
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
