package dev.relaybox.archfixture.violations.notifychannels.adapters.notify.email;

public final class SmtpEmailChannel {
  public boolean send(String message) {
    return !message.isEmpty();
  }
}
