package dev.relaybox.application.jobs;

import java.util.Locale;

/** The life of a job: available (due or scheduled) → running (leased) → done, or dead after failures, or cancelled. */
public enum JobState {
  AVAILABLE, RUNNING, DONE, DEAD, CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobState fromWire(String value) {
    return JobState.valueOf(value.toUpperCase(Locale.ROOT));
  }
}
