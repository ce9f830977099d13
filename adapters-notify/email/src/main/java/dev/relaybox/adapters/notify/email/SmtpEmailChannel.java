package dev.relaybox.adapters.notify.email;

import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.jobs.Outcome;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request as an email over SMTP (Jakarta Mail, Eclipse Angus), one connection per message.
 *
 * <p>Outcomes follow the SMTP reply: a 4xx anywhere (a greylisting {@code 451} to RCPT, a full mailbox {@code 452},
 * a temporary auth failure {@code 454}) → Retry; otherwise a 5xx ({@code 550} unknown user, {@code 535} bad
 * credentials, {@code 554} rejected) → Fail; no reply at all (refused connection, timeout, broken socket) → Retry.
 * Recipients are all-or-nothing ({@code mail.smtp.sendpartial=false}): a retry goes to all of them again.
 */
public final class SmtpEmailChannel implements NotificationChannel {

  public static final String NAME = "email";
  private static final Logger log = LoggerFactory.getLogger(SmtpEmailChannel.class);
  private static final int MAX_REASON_CHARS = 300;

  private final SmtpSettings settings;
  private final Session session;
  private final Clock clock;

  public SmtpEmailChannel(SmtpSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.session = Session.getInstance(properties(settings));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome send(Notification notification) {
    MimeMessage message;
    try {
      message = AssistanceEmail.compose(session, notification, settings.from(), settings.to(), clock.instant());
    } catch (MessagingException e) {
      return Outcome.fail("email could not be composed: " + e.getMessage());
    }
    Transport transport = null;
    try {
      transport = session.getTransport("smtp");
      transport.connect(settings.host(), settings.port(), settings.username().orElse(null),
          settings.password().orElse(null));
      transport.sendMessage(message, message.getAllRecipients());
      return Outcome.done();
    } catch (MessagingException e) {
      int lastReply = transport instanceof SMTPTransport smtp ? smtp.getLastReturnCode() : -1;
      return outcomeOf(e, lastReply);
    } finally {
      closeQuietly(transport);
    }
  }

  /**
   * Decides from the SMTP reply codes in the exception chain, else from the transport's last reply. Angus reports a
   * refused RCPT as a plain {@code SendFailedException("Invalid Addresses")} whose next exception is the
   * {@code SMTPAddressFailedException} holding the code, so the whole chain is read.
   */
  static Outcome outcomeOf(MessagingException e, int lastReply) {
    Throwable transientReply = null;
    Throwable permanentReply = null;
    boolean ioFailure = false;
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      int code = replyCode(t);
      if (code >= 400 && code < 500 && transientReply == null) {
        transientReply = t;
      } else if (code >= 500 && code < 600 && permanentReply == null) {
        permanentReply = t;
      }
      ioFailure |= t instanceof IOException;
    }
    if (transientReply != null) {
      return Outcome.retry("smtp " + replyCode(transientReply) + ": " + abbreviate(transientReply.getMessage()));
    }
    if (permanentReply != null) {
      return Outcome.fail("smtp " + replyCode(permanentReply) + ": " + abbreviate(permanentReply.getMessage()));
    }
    String detail = abbreviate(e.getMessage());
    if (ioFailure) {
      return Outcome.retry("smtp connection failed: " + detail);
    }
    if (lastReply >= 400 && lastReply < 500) {
      return Outcome.retry("smtp " + lastReply + ": " + detail);
    }
    if (lastReply >= 500 && lastReply < 600) {
      return Outcome.fail("smtp " + lastReply + ": " + detail);
    }
    return Outcome.retry("smtp error: " + detail);
  }

  private static int replyCode(Throwable t) {
    if (t instanceof SMTPAddressFailedException a) {
      return a.getReturnCode();
    }
    if (t instanceof SMTPSenderFailedException s) {
      return s.getReturnCode();
    }
    if (t instanceof SMTPSendFailedException s) {
      return s.getReturnCode();
    }
    return -1;
  }

  static Properties properties(SmtpSettings s) {
    String timeoutMillis = Long.toString(s.timeout().toMillis());
    Properties p = new Properties();
    p.setProperty("mail.transport.protocol", "smtp");
    p.setProperty("mail.smtp.host", s.host());
    p.setProperty("mail.smtp.port", Integer.toString(s.port()));
    p.setProperty("mail.smtp.connectiontimeout", timeoutMillis);
    p.setProperty("mail.smtp.timeout", timeoutMillis);
    p.setProperty("mail.smtp.writetimeout", timeoutMillis);
    p.setProperty("mail.smtp.auth", Boolean.toString(s.username().isPresent()));
    // With STARTTLS on, refuse to go on in clear text: credentials and content must not leak.
    p.setProperty("mail.smtp.starttls.enable", Boolean.toString(s.startTls()));
    p.setProperty("mail.smtp.starttls.required", Boolean.toString(s.startTls()));
    p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
    p.setProperty("mail.smtp.sendpartial", "false");
    p.setProperty("mail.smtp.from", s.from().getAddress());
    return p;
  }

  private static void closeQuietly(Transport transport) {
    if (transport == null) {
      return;
    }
    try {
      transport.close();
    } catch (MessagingException e) {
      log.debug("Closing the SMTP connection failed", e);
    }
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_REASON_CHARS ? oneLine : oneLine.substring(0, MAX_REASON_CHARS) + "…";
  }
}
