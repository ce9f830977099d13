package dev.relaybox.adapters.http.shared;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One INFO line per {@code interval} at most, with the number of events not logged since the last line: abuse that
 * arrives by the thousand leaves a trace without filling the disk.
 */
final class SampledLog {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  SampledLog(Logger log, java.time.Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  void info(String format, Object... arguments) {
    long now = System.nanoTime();
    long allowed = nextAllowed.get();
    if ((allowed != Long.MIN_VALUE && now - allowed < 0) || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    if (log.isInfoEnabled()) {
      log.info(skipped == 0 ? format : format + " (" + skipped + " similar events not logged)", arguments);
    }
  }
}
