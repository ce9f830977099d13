package dev.relaybox.bootstrap;

import dev.relaybox.application.auth.ApiKeyCache;
import dev.relaybox.application.auth.port.out.KeyChanges;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code interval}: writes the keys' last uses in one batch and reloads keys changed on other nodes. A key
 * change announced by any node ({@link KeyChanges}) reloads at once; the interval is the fallback for a lost signal.
 */
final class KeyCacheRefresher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyCacheRefresher.class);
  private final ApiKeyCache cache;
  private final ScheduledExecutorService scheduler;

  private KeyCacheRefresher(ApiKeyCache cache) {
    this.cache = cache;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("relaybox-keys").daemon().factory());
  }

  static KeyCacheRefresher start(ApiKeyCache cache, Duration interval, KeyChanges changes) {
    KeyCacheRefresher refresher = new KeyCacheRefresher(cache);
    refresher.scheduler.scheduleWithFixedDelay(refresher::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    changes.onChange(refresher::reloadSoon);
    return refresher;
  }

  /** Hands the reload to this refresher's thread, so the signal's thread never waits on the database. */
  private void reloadSoon() {
    try {
      scheduler.execute(this::reload);
    } catch (RejectedExecutionException e) {
      // closing: nothing left to authenticate
    }
  }

  private void tick() {
    try {
      cache.flushLastUse();
    } catch (RuntimeException e) {
      LOG.warn("could not write the API keys' last uses (kept for the next try): {}", e.toString());
    }
    reload();
  }

  private void reload() {
    try {
      cache.refresh();
    } catch (RuntimeException e) {
      LOG.warn("could not reload API keys (keeping the ones in memory): {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdown();
    try {
      if (scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        cache.flushLastUse();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("could not write the API keys' last uses: {}", e.toString());
    }
  }
}
