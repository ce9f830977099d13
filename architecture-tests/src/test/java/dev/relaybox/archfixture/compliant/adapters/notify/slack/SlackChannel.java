package dev.relaybox.archfixture.compliant.adapters.notify.slack;

import dev.relaybox.archfixture.compliant.application.shared.port.out.NotificationChannel;

public final class SlackChannel implements NotificationChannel {
  @Override
  public boolean send(String message) {
    return !message.isEmpty();
  }
}
