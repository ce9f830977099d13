package dev.relaybox.adapters.persistence.jobs;

import dev.relaybox.application.jobs.port.out.SendPermits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet-wide send permits: one row per bucket in {@code send_rate} (GCRA on the database's clock) and the slots
 * reserved for callers that must wait in {@code send_slot}, behind the {@code take_send_permit} functions (V15, V81).
 * The bucket's row lock orders concurrent callers on every node. The bucket keeps the rate of the node that started
 * last ({@link #applyRate}, V85), and every node takes its permits at that rate.
 *
 * <p>At slow rates (Slack's one message a second) every permit is one short statement. At fast rates a statement per
 * send would make the bucket's row the bottleneck, every send queueing on its lock and commit; so a node takes the
 * permits due now in one chunk of up to {@link #CHUNK_SPAN} worth of the rate, sized by its own recent demand, and hands
 * them out locally. A chunk not spent within that span is dropped, never saved up: the third party may see a node's
 * sends up to one span later than the schedule granted them, never more sends than the rate and burst allow over any
 * longer stretch.
 */
public final class JdbiSendPermits implements SendPermits {
  private static final Logger LOG = LoggerFactory.getLogger(JdbiSendPermits.class);
  static final Duration CHUNK_SPAN = Duration.ofMillis(20);
  private static final int MAX_CHUNK = 200;

  private final Jdbi jdbi;
  private final Clock clock;
  private final Map<String, Chunk> chunks = new ConcurrentHashMap<>();

  public JdbiSendPermits(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  @Override
  public Duration take(String bucket, String holder, Rate rate) {
    int chunkSize = chunkSize(rate);
    if (chunkSize > 1 && chunks.computeIfAbsent(bucket, b -> new Chunk()).take(bucket, chunkSize, rate)) {
      return Duration.ZERO;
    }
    long waitMicros = jdbi.withHandle(h -> withRate(h.createQuery("""
            SELECT CAST(extract(epoch FROM take_send_permit(:bucket, :holder,
                     make_interval(secs => :intervalMicros / 1000000.0),
                     make_interval(secs => :toleranceMicros / 1000000.0))) * 1000000 AS bigint)"""), bucket, rate)
        .bind("holder", holder)
        .mapTo(Long.class)
        .one());
    return waitMicros <= 0 ? Duration.ZERO : Duration.ofNanos(waitMicros * 1_000);
  }

  @Override
  public void applyRate(String bucket, Rate rate) {
    int moved = jdbi.withHandle(h -> withRate(h.createQuery("""
            SELECT apply_send_rate(:bucket, make_interval(secs => :intervalMicros / 1000000.0),
                     make_interval(secs => :toleranceMicros / 1000000.0))"""), bucket, rate)
        .mapTo(Integer.class)
        .one());
    if (moved >= 0) {
      LOG.info("{}: the rate is now {}/s, burst {}, for the whole fleet (it was scheduled at another); {} deliveries waiting "
          + "for a permit reserved at the old rate were brought forward", bucket, rate.perSecond(), rate.burst(), moved);
    }
  }

  static int chunkSize(Rate rate) {
    return (int) Math.min(MAX_CHUNK, Math.floor(rate.perSecond() * CHUNK_SPAN.toNanos() / 1e9));
  }

  private int takeDueNow(String bucket, int max, Rate rate) {
    return jdbi.withHandle(h -> withRate(h.createQuery("""
            SELECT take_send_permits_now(:bucket, :max, make_interval(secs => :intervalMicros / 1000000.0),
                     make_interval(secs => :toleranceMicros / 1000000.0))"""), bucket, rate)
        .bind("max", max)
        .mapTo(Integer.class)
        .one());
  }

  private static Query withRate(Query query, String bucket, Rate rate) {
    return query.bind("bucket", bucket)
        .bind("intervalMicros", rate.interval().toNanos() / 1_000)
        .bind("toleranceMicros", rate.burstTolerance().toNanos() / 1_000);
  }

  /**
   * The permits of one bucket this node took in its last chunk and has not spent yet. A chunk is sized by what the node
   * spent of the one before: twice as many when it spent them all within the span, one more than it spent when the span
   * ran out first (at least one, at most {@code maxChunk}). A fixed size made every node reserve a full span's worth
   * of the fleet's rate whatever it sent: three nodes sending 2 % of the rate between them kept the bucket's schedule
   * almost a whole burst ahead, so the next burst of deliveries was told to wait.
   */
  private final class Chunk {
    private final ReentrantLock lock = new ReentrantLock();
    private int granted;
    private int left;
    private int nextSize = 1;
    private Instant spendBy = Instant.MIN;

    /** Spends a permit of the chunk, taking a new chunk when it is spent or stale; false when none is due now. */
    boolean take(String bucket, int maxChunk, Rate rate) {
      // One caller refills while the others wait on the lock and then share what it took.
      lock.lock();
      try {
        Instant now = clock.instant();
        if (left > 0 && now.isBefore(spendBy)) {
          left--;
          return true;
        }
        if (granted > 0) {
          nextSize = left == 0 ? granted * 2 : granted - left + 1;
        }
        int size = Math.clamp(nextSize, 1, maxChunk);
        granted = takeDueNow(bucket, size, rate);
        left = Math.max(0, granted - 1);
        spendBy = clock.instant().plus(CHUNK_SPAN);
        return granted > 0;
      } finally {
        lock.unlock();
      }
    }
  }
}
