package dev.relaybox.application.jobs;

import java.util.List;
import java.util.Optional;

/** A page of jobs and the cursor for the next one, empty on the last page. */
public record JobPage(List<JobSummary> jobs, Optional<Long> nextBeforeId) {
  public JobPage {
    jobs = List.copyOf(jobs);
  }
}
