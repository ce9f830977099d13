package dev.relaybox.archfixture.compliant.application.shared.port.out;

public interface NotificationChannel {
  boolean send(String message);
}
