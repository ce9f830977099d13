package dev.relaybox.adapters.notify.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.application.assistance.port.out.Notification;
import java.io.UncheckedIOException;

/**
 * Builds the Slack message: Block Kit {@code blocks} plus a plain {@code text} fallback for notifications and old
 * clients. All text from the request is escaped ({@code &}, {@code <}, {@code >}) so that a description holding
 * {@code <!channel>} or {@code <http://x|y>} can neither ping nor link; mrkdwn objects are also {@code verbatim}, so
 * Slack does not auto-link URLs or channel names in them.
 */
final class SlackMessage {

  static final int HEADER_MAX = 150;
  static final int SECTION_MAX = 3000;
  static final int FALLBACK_MAX = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SlackMessage() {}

  static byte[] json(Notification n) {
    try {
      return JSON.writeValueAsBytes(build(n));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode build(Notification n) {
    ObjectNode message = JSON.createObjectNode();
    message.put("text", escape("Assistance requested: " + n.topic() + " — " + n.description(), FALLBACK_MAX));
    message.put("unfurl_links", false);
    message.put("unfurl_media", false);
    ArrayNode blocks = message.putArray("blocks");

    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text")
        .put("type", "plain_text")
        .put("text", escape("Assistance requested: " + n.topic(), HEADER_MAX))
        .put("emoji", false);

    String description = n.description().isBlank() ? "(no description)" : n.description();
    blocks.addObject().put("type", "section").set("text", mrkdwn(escape(description, SECTION_MAX)));

    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    fields.add(mrkdwn("*Topic*\n" + escape(n.topic(), 1900)));
    fields.add(mrkdwn("*Request id*\n`" + n.requestId() + "`"));

    // <!date^…> is Slack's own date formatting, shown in each reader's time zone; the part after | is the fallback.
    String when = "Requested <!date^" + n.requestedAt().getEpochSecond()
        + "^{date_short_pretty} {time_secs}|" + n.requestedAt() + ">";
    if (!n.correlationId().isBlank()) {
      when += " · correlation `" + escape(n.correlationId(), 200) + "`";
    }
    blocks.addObject().put("type", "context").putArray("elements").add(mrkdwn(when));
    return message;
  }

  private static ObjectNode mrkdwn(String text) {
    return JSON.createObjectNode().put("type", "mrkdwn").put("text", text).put("verbatim", true);
  }

  /**
   * Escapes Slack's three control characters and cuts the result to at most {@code max} characters without
   * splitting an entity or a surrogate pair.
   */
  static String escape(String raw, int max) {
    String whole = escapeUpTo(raw, Integer.MAX_VALUE);
    return whole.length() <= max ? whole : escapeUpTo(raw, max - 1) + "…";
  }

  private static String escapeUpTo(String raw, int max) {
    StringBuilder out = new StringBuilder(Math.min(raw.length() + 16, max));
    int i = 0;
    while (i < raw.length()) {
      int cp = raw.codePointAt(i);
      String entity = switch (cp) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        default -> null;
      };
      int width = entity != null ? entity.length() : Character.charCount(cp);
      if (out.length() + width > max) {
        break;
      }
      if (entity != null) {
        out.append(entity);
      } else {
        out.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }
}
