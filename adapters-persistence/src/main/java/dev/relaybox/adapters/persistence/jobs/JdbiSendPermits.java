package dev.relaybox.adapters.persistence.jobs;

import dev.relaybox.application.jobs.port.out.SendPermits;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * Fleet-wide send permits: one row per bucket in {@code send_rate} (GCRA on the database's clock) and the slots
 * reserved for callers that must wait in {@code send_slot}, both behind the {@code take_send_permit} function (V15).
 * One short statement in its own transaction per permit; the bucket's row lock orders concurrent callers on every node.
 */
public final class JdbiSendPermits implements SendPermits {
  private final Jdbi jdbi;

  public JdbiSendPermits(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public Duration take(String bucket, String holder, Rate rate) {
    long waitMicros = jdbi.withHandle(h -> h.createQuery("""
            SELECT CAST(extract(epoch FROM take_send_permit(:bucket, :holder,
                     make_interval(secs => :intervalMicros / 1000000.0),
                     make_interval(secs => :toleranceMicros / 1000000.0))) * 1000000 AS bigint)""")
        .bind("bucket", bucket)
        .bind("holder", holder)
        .bind("intervalMicros", rate.interval().toNanos() / 1_000)
        .bind("toleranceMicros", rate.burstTolerance().toNanos() / 1_000)
        .mapTo(Long.class)
        .one());
    return waitMicros <= 0 ? Duration.ZERO : Duration.ofNanos(waitMicros * 1_000);
  }
}
