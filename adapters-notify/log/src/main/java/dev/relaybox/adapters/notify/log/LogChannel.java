package dev.relaybox.adapters.notify.log;

import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the request to the log at INFO under logger {@value #LOGGER}: nobody is paged, but nothing is lost, and the
 * request shows as delivered by {@code log} in the API and on the dashboard. Meant for a first start and for
 * development; a production route names a channel that reaches people.
 */
final class LogChannel implements NotificationChannel {
  static final String NAME = "log";
  static final String LOGGER = "relaybox.channel.log";
  private static final int MAX_LOGGED_CHARS = 4_000;
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome send(Notification n) {
    LOG.info("assistance request {} [topic {}] at {}: {} metadata={}", n.requestId(), n.topic(), n.requestedAt(),
        oneLine(n.description()), oneLine(n.metadataJson()));
    return Outcome.done();
  }

  /** The text comes from a bot: control characters are escaped so it cannot forge extra log lines. */
  static String oneLine(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LOGGED_CHARS) + 16);
    for (int i = 0; i < text.length() && out.length() < MAX_LOGGED_CHARS; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (out.length() >= MAX_LOGGED_CHARS && text.length() > MAX_LOGGED_CHARS) {
      out.append('…');
    }
    return out.toString();
  }
}
