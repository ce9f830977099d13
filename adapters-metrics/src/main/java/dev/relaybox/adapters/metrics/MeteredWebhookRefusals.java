package dev.relaybox.adapters.metrics;

import dev.relaybox.application.purchase.port.out.WebhookRefusals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code relaybox_webhook_refusals_total{store}} counts every refused store webhook; a WARN line samples them (at
 * most one per store per {@code interval}, with how many were not logged), its reason cut to 200 characters so
 * attacker text cannot fill the log. Labels come from a fixed set of store names.
 */
public final class MeteredWebhookRefusals implements WebhookRefusals {
  private static final Logger LOG = LoggerFactory.getLogger(MeteredWebhookRefusals.class);
  static final int MAX_REASON = 200;

  private final MeterRegistry registry;
  private final long intervalNanos;
  private final Map<String, AtomicLong> nextLogAt = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> notLogged = new ConcurrentHashMap<>();

  public MeteredWebhookRefusals(MeterRegistry registry, Duration interval) {
    this.registry = registry;
    this.intervalNanos = interval.toNanos();
  }

  @Override
  public void refused(String store, String reason) {
    String label = store.equals("apple") || store.equals("google") ? store : "other";
    Counter.builder("relaybox.webhook.refusals")
        .description("Store webhooks refused (bad signature or token), by store")
        .tag("store", label)
        .register(registry)
        .increment();
    long now = System.nanoTime();
    AtomicLong next = nextLogAt.computeIfAbsent(label, k -> new AtomicLong(now));
    AtomicLong skipped = notLogged.computeIfAbsent(label, k -> new AtomicLong());
    long due = next.get();
    if (now - due >= 0 && next.compareAndSet(due, now + intervalNanos)) {
      long missed = skipped.getAndSet(0);
      LOG.warn("refused a {} webhook: {}{}", label, truncate(reason),
          missed == 0 ? "" : " (" + missed + " more refused since the last line)");
    } else {
      skipped.incrementAndGet();
    }
  }

  static String truncate(String reason) {
    String text = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ");
    return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "…" : text;
  }
}
