package dev.relaybox.application.assistance.port.out;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** Configuration handed to channel factories: the process environment and the clock. */
public record ChannelSettings(Map<String, String> environment, Clock clock) {
  public ChannelSettings {
    environment = Map.copyOf(environment);
  }

  public Optional<String> get(String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
