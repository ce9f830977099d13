package dev.relaybox.application.jobs.port.out;

import java.time.Duration;

/**
 * Permits to call a rate-limited third party. One bucket per third party (a channel name); an implementation backed by
 * the database holds the limit for the whole fleet, not per node.
 *
 * <p>A caller that cannot have a permit now gets a permit reserved for it at a later time, named by {@code holder} (a
 * stable id of the one delivery that wants it, such as the request id). It comes back then, asks again with the same
 * holder, and gets that permit: waiting callers are spread over the future at the allowed rate instead of all waking
 * at once to fight over the next one.
 */
public interface SendPermits {

  /**
   * @return {@link Duration#ZERO} when the call may go now (the permit is spent); otherwise how long until the permit
   *     reserved for {@code holder} is due
   */
  Duration take(String bucket, String holder, Rate rate);

  /**
   * Tells the bucket the rate this node sends at, once when the node starts. When the bucket was scheduled at another
   * rate (the setting changed), what lies ahead is rescaled to this one: the reserved permits and the deliveries
   * waiting for them, so a raised rate reaches a backlog at once; and this rate becomes the bucket's for every node,
   * including those still running with the old setting. Nothing to do for a limit kept in memory.
   */
  default void applyRate(String bucket, Rate rate) {}

  /** A sustained rate and how many calls may go at once before it applies. */
  record Rate(double perSecond, int burst) {
    public Rate {
      if (!(perSecond > 0) || Double.isInfinite(perSecond) || burst < 1) {
        throw new IllegalArgumentException("the rate must be positive and the burst at least 1");
      }
    }

    /** Time between two permits at the sustained rate. */
    public Duration interval() {
      return Duration.ofNanos(Math.max(1, Math.round(1_000_000_000d / perSecond)));
    }

    /** How far ahead of the sustained schedule a burst may run. */
    public Duration burstTolerance() {
      return interval().multipliedBy(burst - 1);
    }
  }
}
