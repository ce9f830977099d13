package dev.relaybox.adapters.notify.email;

import dev.relaybox.application.assistance.port.out.Notification;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Composes the email for one request: multipart/alternative with a text/plain and a text/html part, the request
 * text HTML-escaped in the latter, CR/LF stripped from the subject, and a {@code Message-ID} of
 * {@code <requestId@relaybox>} so a retried send is recognisably the same message.
 */
final class AssistanceEmail {

  static final String SUBJECT_PREFIX = "[Relaybox] Assistance requested: ";
  private static final int SUBJECT_TOPIC_MAX = 150;

  private AssistanceEmail() {}

  static MimeMessage compose(Session session, Notification n, InternetAddress from, List<InternetAddress> to,
      Instant now) throws MessagingException {
    MimeMessage message = new RequestIdMessage(session, n.requestId());
    message.setFrom(from);
    message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
    message.setSubject(subject(n.topic()), "UTF-8");
    message.setSentDate(Date.from(now));
    // RFC 3834: tells auto-responders (out-of-office…) not to answer.
    message.setHeader("Auto-Submitted", "auto-generated");
    message.setHeader("X-Relaybox-Request-Id", n.requestId().toString());

    MimeBodyPart text = new MimeBodyPart();
    text.setText(plainText(n), "UTF-8", "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(html(n), "UTF-8", "html");
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text); // least preferred first (RFC 2046 §5.1.4)
    alternative.addBodyPart(html);
    message.setContent(alternative);
    message.saveChanges();
    return message;
  }

  static String subject(String topic) {
    String oneLine = topic.replaceAll("[\\r\\n\\p{Cntrl}]+", " ").strip();
    if (oneLine.length() > SUBJECT_TOPIC_MAX) {
      oneLine = oneLine.substring(0, SUBJECT_TOPIC_MAX) + "…";
    }
    return SUBJECT_PREFIX + oneLine;
  }

  static String plainText(Notification n) {
    StringBuilder s = new StringBuilder()
        .append("Assistance requested\n\n")
        .append("Topic:        ").append(n.topic()).append('\n')
        .append("Request id:   ").append(n.requestId()).append('\n')
        .append("Requested at: ").append(n.requestedAt()).append('\n');
    if (!n.correlationId().isBlank()) {
      s.append("Correlation:  ").append(n.correlationId()).append('\n');
    }
    s.append('\n').append(n.description()).append("\n\n");
    s.append("Metadata: ").append(n.metadataJson()).append('\n');
    return s.toString();
  }

  static String html(Notification n) {
    StringBuilder s = new StringBuilder()
        .append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(subject(n.topic()))).append("</title></head><body>")
        .append("<h2>Assistance requested: ").append(escape(n.topic())).append("</h2>")
        .append("<p style=\"white-space:pre-wrap\">").append(escape(n.description())).append("</p>")
        .append("<table>")
        .append(row("Topic", n.topic()))
        .append(row("Request id", n.requestId().toString()))
        .append(row("Requested at", n.requestedAt().toString()));
    if (!n.correlationId().isBlank()) {
      s.append(row("Correlation", n.correlationId()));
    }
    s.append("</table>")
        .append("<p>Metadata:</p><pre>").append(escape(n.metadataJson())).append("</pre>")
        .append("</body></html>");
    return s.toString();
  }

  private static String row(String label, String value) {
    return "<tr><th align=\"left\">" + label + "</th><td>" + escape(value) + "</td></tr>";
  }

  /** Escapes text for HTML element content and quoted attribute values. */
  static String escape(String raw) {
    StringBuilder out = new StringBuilder(raw.length() + 16);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A MimeMessage whose Message-ID is derived from the request id instead of being random. */
  static final class RequestIdMessage extends MimeMessage {
    private final UUID requestId;

    RequestIdMessage(Session session, UUID requestId) {
      super(session);
      this.requestId = requestId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId(requestId));
    }

    static String messageId(UUID requestId) {
      return "<" + requestId + "@relaybox>";
    }
  }
}
