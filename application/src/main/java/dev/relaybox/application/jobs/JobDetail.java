package dev.relaybox.application.jobs;

import java.util.List;
import java.util.Map;

/** One job with its payload, headers and full history, oldest entry first. */
public record JobDetail(JobSummary summary, String payloadJson, Map<String, String> headers, List<JobHistoryEntry> history) {
  public JobDetail {
    headers = Map.copyOf(headers);
    history = List.copyOf(history);
  }
}
