package dev.relaybox.application.assistance.port.out;

import dev.relaybox.application.jobs.Outcome;

/**
 * A way to reach people (Slack, email, a webhook…). {@code Done} means delivered; {@code Retry} a transient failure
 * (with the third party's Retry-After if it gave one); {@code Fail} a permanent one, after which the request moves on
 * to the next channel of its route. Implementations must not throw for expected failures.
 */
public interface NotificationChannel {

  /** The name routes use, e.g. {@code slack}. */
  String name();

  Outcome send(Notification notification);
}
