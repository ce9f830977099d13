package dev.relaybox.archfixture.compliant.adapters.notify.email;

import dev.relaybox.archfixture.compliant.application.shared.port.out.NotificationChannel;

public final class SmtpEmailChannel implements NotificationChannel {
  @Override
  public boolean send(String message) {
    return !message.isBlank();
  }
}
