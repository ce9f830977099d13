package dev.relaybox.adapters.notify.resilience;

import java.util.Locale;

/** The circuit of one channel as health checks report it. */
public enum CircuitState {
  CLOSED, OPEN, HALF_OPEN;

  /** {@code closed}, {@code open} or {@code half-open}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String toString() {
    return label();
  }
}
