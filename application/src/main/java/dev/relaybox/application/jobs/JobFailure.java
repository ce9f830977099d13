package dev.relaybox.application.jobs;

import java.time.Instant;

/** One entry of a job's error history. */
public record JobFailure(int attempt, Instant at, String node, String error) {
  private static final int MAX_ERROR_LENGTH = 4_000;

  public JobFailure {
    error = error == null ? "unknown error" : error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
  }
}
