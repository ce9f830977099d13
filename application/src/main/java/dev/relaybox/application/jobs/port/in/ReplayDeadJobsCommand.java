package dev.relaybox.application.jobs.port.in;

import dev.relaybox.application.jobs.ReplayFilter;
import java.util.Objects;

/** Replay one dead (or cancelled) job by id, or every dead job matching a filter. */
public sealed interface ReplayDeadJobsCommand {
  record ById(long jobId) implements ReplayDeadJobsCommand {
    public ById {
      if (jobId < 1) throw new IllegalArgumentException("jobId must be positive");
    }
  }

  record ByFilter(ReplayFilter filter) implements ReplayDeadJobsCommand {
    public ByFilter {
      Objects.requireNonNull(filter, "filter");
    }
  }
}
