package dev.relaybox.application.assistance.port.out;

import java.util.Optional;

/**
 * The {@link java.util.ServiceLoader} entry point of a channel module. Bootstrap loads every factory on the class
 * path; a channel is available when its factory finds its configuration.
 */
public interface NotificationChannelFactory {

  /** The channel's route name, e.g. {@code slack}. */
  String name();

  /** Creates the channel, or returns empty when its required settings are absent. Throws on invalid settings. */
  Optional<NotificationChannel> create(ChannelSettings settings);
}
