package dev.relaybox.adapters.http.shared;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per key (an API key's id, a client address): {@code perSecond} tokens refill continuously up to
 * {@code burst}. At most {@code maxEntries} buckets are kept; full buckets (idle keys) are dropped first, so a flood
 * of distinct keys cannot grow memory without bound.
 */
final class TokenBuckets {
  private final double perNano;
  private final double burst;
  private final int maxEntries;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  TokenBuckets(double perSecond, double burst, int maxEntries, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst < 1) throw new IllegalArgumentException("rate and burst must be positive");
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.maxEntries = maxEntries;
    this.nanoTime = nanoTime;
  }

  /** Takes a token: 0 when one was there, else the nanoseconds until one will be (nothing is taken then). */
  long take(String key) {
    return update(key, true);
  }

  /** Like {@link #take} without taking: 0 when a token is there. */
  long waitFor(String key) {
    return update(key, false);
  }

  int size() {
    return buckets.size();
  }

  private long update(String key, boolean consume) {
    long now = nanoTime.getAsLong();
    if (!buckets.containsKey(key) && buckets.size() >= maxEntries) {
      prune(now);
    }
    long[] wait = new long[1];
    buckets.compute(key, (k, bucket) -> {
      Bucket b = bucket == null ? new Bucket(burst, now) : bucket;
      b.tokens = Math.min(burst, b.tokens + (now - b.updated) * perNano);
      b.updated = now;
      if (b.tokens >= 1) {
        if (consume) {
          b.tokens -= 1;
        }
      } else {
        wait[0] = Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano));
      }
      return b;
    });
    return wait[0];
  }

  private void prune(long now) {
    buckets.entrySet().removeIf(e -> e.getValue().tokens + (now - e.getValue().updated) * perNano >= burst);
    if (buckets.size() >= maxEntries) {
      // Every bucket is in use: forget the lot rather than grow; the limit resumes from full buckets.
      buckets.clear();
    }
  }
}
