package dev.relaybox.adapters.metrics;

import dev.relaybox.application.jobs.JobObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The engine's counters and handler timings on this node: {@code relaybox_jobs_claimed_total},
 * {@code relaybox_jobs_completed_total}, {@code relaybox_jobs_retried_total}, {@code relaybox_jobs_dead_total}
 * (each by {@code subscription}) and the histogram {@code relaybox_job_handler_duration_seconds} by
 * {@code subscription} and {@code outcome}, and {@code relaybox_jobs_stale_writes_total} by {@code subscription} and
 * {@code kind}: writes fenced out because the attempt's lease token was no longer the job's (the chaos harness reads
 * it; a steady non-zero rate means leases expire under healthy handlers, so the lease is too short).
 */
public final class MicrometerJobObserver implements JobObserver {
  private final MeterRegistry registry;

  public MicrometerJobObserver(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the counters of a subscription at zero, so rates and alerts see it before its first job. */
  public MicrometerJobObserver forSubscriptions(Iterable<String> subscriptions) {
    for (String subscription : subscriptions) {
      for (String kind : new String[] {"claimed", "completed", "retried", "dead"}) {
        counter(kind, subscription);
      }
    }
    return this;
  }

  @Override
  public void claimed(String subscription, int count) {
    counter("claimed", subscription).increment(count);
  }

  @Override
  public void completed(String subscription) {
    counter("completed", subscription).increment();
  }

  @Override
  public void retried(String subscription) {
    counter("retried", subscription).increment();
  }

  @Override
  public void dead(String subscription) {
    counter("dead", subscription).increment();
  }

  @Override
  public void handlerFinished(String subscription, String outcome, Duration duration) {
    Timer.builder("relaybox.job.handler.duration")
        .description("How long one handler call took")
        .tags("subscription", subscription, "outcome", outcome)
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofMinutes(2))
        .register(registry)
        .record(duration);
  }

  @Override
  public void staleWrite(String subscription, String kind) {
    Counter.builder("relaybox.jobs.stale.writes")
        .description("Writes about an attempt that were fenced out because its lease was gone")
        .tags("subscription", subscription, "kind", kind)
        .register(registry)
        .increment();
  }

  private Counter counter(String kind, String subscription) {
    return Counter.builder("relaybox.jobs." + kind)
        .description("Jobs " + kind + " by this node")
        .tag("subscription", subscription)
        .register(registry);
  }
}
