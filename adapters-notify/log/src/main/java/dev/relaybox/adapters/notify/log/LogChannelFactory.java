package dev.relaybox.adapters.notify.log;

import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.assistance.port.out.NotificationChannelFactory;
import java.util.Optional;

/** The log channel needs no settings, so it is always available: routes may name it, and a fresh start falls back to it. */
public final class LogChannelFactory implements NotificationChannelFactory {

  @Override
  public String name() {
    return LogChannel.NAME;
  }

  @Override
  public Optional<NotificationChannel> create(ChannelSettings settings) {
    return Optional.of(new LogChannel());
  }
}
