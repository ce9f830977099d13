package dev.relaybox.adapters.http.jobs;

import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobHistoryEntry;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.JobSummary;
import dev.relaybox.application.jobs.SubscriptionStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON shapes of the admin API; kept apart from the engine's records so the wire format changes only on purpose. */
public final class JobViews {
  private JobViews() {}

  public record PageView(List<JobView> jobs, String nextCursor) {}

  public record JobView(long id, String subscription, String state, String eventId, String eventType, String key,
      String dedupeKey, int attempts, Instant runAt, Instant createdAt, Instant finishedAt, String leaseOwner,
      Instant leaseUntil, String lastError) {

    public static JobView of(JobSummary s) {
      return new JobView(s.id(), s.subscription(), s.state().wire(), s.eventId().map(Object::toString).orElse(null),
          s.eventType().orElse(null), s.key().orElse(null), s.dedupeKey().orElse(null), s.attempts(), s.runAt(),
          s.createdAt(), s.finishedAt().orElse(null), s.leaseOwner().orElse(null), s.leaseUntil().orElse(null),
          s.lastError().orElse(null));
    }
  }

  public record HistoryView(Instant at, String kind, int attempt, String node, String message) {
    public static HistoryView of(JobHistoryEntry e) {
      return new HistoryView(e.at(), e.kind(), e.attempt(), e.node().orElse(null), e.message());
    }
  }

  public record JobDetailView(JobView job, Object payload, Map<String, String> headers, List<HistoryView> history) {
    public static JobDetailView of(JobDetail d) {
      return new JobDetailView(JobView.of(d.summary()), new RawJson(d.payloadJson()), d.headers(),
          d.history().stream().map(HistoryView::of).toList());
    }
  }

  /** Embeds stored JSON as it is instead of re-encoding it as a string. */
  public record RawJson(@com.fasterxml.jackson.annotation.JsonRawValue @com.fasterxml.jackson.annotation.JsonValue String json) {}

  public record StatsView(String subscription, Map<String, Long> counts, Double oldestAvailableAgeSeconds) {
    public static StatsView of(SubscriptionStats s) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (JobState state : JobState.values()) {
        counts.put(state.wire(), s.counts().getOrDefault(state, 0L));
      }
      return new StatsView(s.subscription(), counts, s.oldestAvailableAge().map(d -> d.toMillis() / 1000.0).orElse(null));
    }
  }

  public record ReplayRequest(String subscription, Instant diedFrom, Instant diedUntil, Integer limit) {}

  public record CancelRequest(String subscription, String dedupeKey) {}

  public record BackfillRequest(Instant since) {}
}
