package dev.relaybox.archfixture.violations.notifychannels.adapters.notify.slack;

import dev.relaybox.archfixture.violations.notifychannels.adapters.notify.email.SmtpEmailChannel;

/** VIOLATES NOTIFY_CHANNELS_DO_NOT_DEPEND_ON_EACH_OTHER: the slack channel falling back by calling the email channel. */
public final class SlackChannel {
  private final SmtpEmailChannel fallback = new SmtpEmailChannel();

  public boolean send(String message) {
    return fallback.send(message);
  }
}
