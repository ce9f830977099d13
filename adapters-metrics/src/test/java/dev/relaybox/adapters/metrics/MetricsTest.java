package dev.relaybox.adapters.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.SubscriptionStats;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void jobCountersGaugesAndHttpTimersAreScrapedWithTheirLabels() {
    try (RelayboxMetrics metrics = new RelayboxMetrics()) {
      var observer = new MicrometerJobObserver(metrics.registry()).forSubscriptions(List.of("s"));
      observer.claimed("s", 3);
      observer.completed("s");
      observer.retried("s");
      observer.dead("s");
      observer.handlerFinished("s", "done", Duration.ofMillis(12));
      observer.staleWrite("s", "complete");
      observer.staleWrite("s", "complete");
      observer.staleWrite("s", "markDone");
      AtomicInteger reads = new AtomicInteger();
      try (var gauges = new JobStateGauges(metrics.registry(), () -> {
        reads.incrementAndGet();
        return List.of(new SubscriptionStats("s", Map.of(JobState.AVAILABLE, 7L, JobState.DEAD, 2L), Optional.of(Duration.ofSeconds(42))));
      }, Clock.systemUTC())) {
        gauges.refresh();
        new HttpMetrics(metrics.registry()).record("GET", "/admin/jobs/{id}", 200, Duration.ofMillis(3));
        new HttpMetrics(metrics.registry()).record("GET", "", 404, Duration.ofMillis(1));
        String text = metrics.scrape();
        metrics.scrape();
        assertTrue(reads.get() == 1, "scrapes do not query the database");
        for (String expected : List.of(
            "relaybox_jobs_claimed_total{subscription=\"s\"} 3.0",
            "relaybox_jobs_completed_total{subscription=\"s\"} 1.0",
            "relaybox_jobs_retried_total{subscription=\"s\"} 1.0",
            "relaybox_jobs_dead_total{subscription=\"s\"} 1.0",
            "relaybox_job_handler_duration_seconds_count{outcome=\"done\",subscription=\"s\"} 1",
            "relaybox_jobs_stale_writes_total{kind=\"complete\",subscription=\"s\"} 2.0",
            "relaybox_jobs_stale_writes_total{kind=\"markDone\",subscription=\"s\"} 1.0",
            "relaybox_jobs{state=\"available\",subscription=\"s\"} 7.0",
            "relaybox_jobs{state=\"dead\",subscription=\"s\"} 2.0",
            "relaybox_jobs{state=\"running\",subscription=\"s\"} 0.0",
            "relaybox_job_lag_seconds{subscription=\"s\"} 42.0",
            "http_server_requests_seconds_count{method=\"GET\",route=\"/admin/jobs/{id}\",status=\"200\"} 1",
            "http_server_requests_seconds_count{method=\"GET\",route=\"UNMATCHED\",status=\"404\"} 1")) {
          assertTrue(text.contains(expected), () -> "missing " + expected + " in\n" + text);
        }
      }
    }
  }

  @Test
  void commerceCallsCountTheirOutcomeAndTheCircuitGaugeShowsTheCurrentState() {
    try (RelayboxMetrics metrics = new RelayboxMetrics()) {
      var commerce = new MeteredCommerce(metrics.registry());
      var state = new java.util.concurrent.atomic.AtomicReference<>("closed");
      commerce.circuitState("customers", List.of("closed", "open", "half-open"), state::get);
      AtomicInteger calls = new AtomicInteger();
      var customers = commerce.customers(id -> {
        if (calls.incrementAndGet() > 1) {
          throw new dev.relaybox.application.order.port.out.DependencyUnavailableException("customer directory", "down",
              Duration.ofSeconds(1));
        }
        return true;
      });
      assertTrue(customers.exists("c1"));
      org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> customers.exists("c2"));
      state.set("open");
      String text = metrics.scrape();
      for (String expected : List.of(
          "relaybox_commerce_calls_seconds_count{operation=\"exists\",outcome=\"ok\",port=\"customers\"} 1",
          "relaybox_commerce_calls_seconds_count{operation=\"exists\",outcome=\"unavailable\",port=\"customers\"} 1",
          "relaybox_commerce_circuit_state{port=\"customers\",state=\"open\"} 1.0",
          "relaybox_commerce_circuit_state{port=\"customers\",state=\"closed\"} 0.0")) {
        assertTrue(text.contains(expected), () -> "missing " + expected + " in\n" + text);
      }
    }
  }
}
