package dev.relaybox.adapters.notify.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.relaybox.application.assistance.port.out.Notification;
import dev.relaybox.application.jobs.Outcome;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Against GreenMail (a real SMTP server) and, for scripted rejections, a tiny SMTP server on 127.0.0.1. */
class SmtpEmailChannelTest {

  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("relaybox", "s3cret-password"));

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:05Z"), ZoneOffset.UTC);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  void deliversMultipartAlternativeWithEscapedHtmlAndAStableMessageId() throws Exception {
    Notification n = new Notification(UUID.randomUUID(), "Pricing\r\nBcc: victim@example.com",
        "Hello <script>alert('x')</script> & bye", "{\"plan\":\"<pro>\"}", Instant.parse("2026-03-01T10:00:00Z"),
        "corr-7");
    SmtpEmailChannel channel = new SmtpEmailChannel(settings("127.0.0.1", greenMail.getSmtp().getPort(),
        Optional.of("relaybox"), Optional.of("s3cret-password"), "ops@example.com, sales@example.com"), CLOCK);

    assertEquals(Outcome.done(), channel.send(n));

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(2, received.length, "one copy per recipient");
    MimeMessage message = received[0];
    assertEquals("<" + n.requestId() + "@relaybox>", message.getMessageID());
    assertEquals("[Relaybox] Assistance requested: Pricing Bcc: victim@example.com", message.getSubject());
    assertEquals(2, message.getRecipients(Message.RecipientType.TO).length);
    assertEquals(null, message.getRecipients(Message.RecipientType.BCC), "no header injection through the topic");
    assertTrue(message.getContentType().startsWith("multipart/alternative"), message.getContentType());

    MimeMultipart parts = (MimeMultipart) message.getContent();
    assertEquals(2, parts.getCount());
    assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
    assertTrue(parts.getBodyPart(1).isMimeType("text/html"));
    String text = (String) parts.getBodyPart(0).getContent();
    String html = (String) parts.getBodyPart(1).getContent();
    assertTrue(text.contains("Hello <script>alert('x')</script> & bye"), text);
    assertTrue(text.contains(n.requestId().toString()), text);
    assertTrue(html.contains("Hello &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; bye"), html);
    assertFalse(html.contains("<script>"), html);
    assertTrue(html.contains("&quot;plan&quot;:&quot;&lt;pro&gt;&quot;"), html);
  }

  @Test
  void retriesWhenTheServerIsDown() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    SmtpEmailChannel channel = new SmtpEmailChannel(
        settings("127.0.0.1", closedPort, Optional.empty(), Optional.empty(), "ops@example.com"), CLOCK);

    Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, channel.send(notification()));
    assertTrue(retry.reason().contains("connection"), retry.reason());
  }

  @Test
  void failsPermanentlyWhenTheRecipientIsRejectedWith550() throws IOException {
    try (FakeSmtpServer server = new FakeSmtpServer("550 5.1.1 <ops@example.com>: no such user", "250 OK")) {
      SmtpEmailChannel channel = channelTo(server);

      Outcome.Fail fail = assertInstanceOf(Outcome.Fail.class, channel.send(notification()));

      assertTrue(fail.reason().contains("550"), fail.reason());
      assertTrue(fail.reason().contains("no such user"), "the server's own words: " + fail.reason());
      assertTrue(server.commands.stream().anyMatch(c -> c.startsWith("RCPT TO:<ops@example.com>")));
    }
  }

  @Test
  void retriesWhenTheRecipientIsGreylistedWith451() throws IOException {
    try (FakeSmtpServer server = new FakeSmtpServer("451 4.7.1 Greylisted, try again later", "250 OK")) {
      Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, channelTo(server).send(notification()));

      assertTrue(retry.reason().contains("451"), retry.reason());
    }
  }

  @Test
  void theReplyToTheMessageItselfDecidesToo() throws IOException {
    try (FakeSmtpServer server = new FakeSmtpServer("250 2.1.5 OK", "554 5.7.1 Message rejected as spam")) {
      Outcome.Fail fail = assertInstanceOf(Outcome.Fail.class, channelTo(server).send(notification()));
      assertTrue(fail.reason().contains("554"), fail.reason());
    }
    try (FakeSmtpServer server = new FakeSmtpServer("250 2.1.5 OK", "452 4.3.1 Insufficient system storage")) {
      Outcome.Retry retry = assertInstanceOf(Outcome.Retry.class, channelTo(server).send(notification()));
      assertTrue(retry.reason().contains("452"), retry.reason());
    }
    try (FakeSmtpServer server = new FakeSmtpServer("250 2.1.5 OK", "250 2.0.0 queued as 42")) {
      assertEquals(Outcome.done(), channelTo(server).send(notification()));
      assertTrue(server.commands.contains("QUIT"));
    }
  }

  private static SmtpEmailChannel channelTo(FakeSmtpServer server) {
    return new SmtpEmailChannel(
        settings("127.0.0.1", server.port(), Optional.empty(), Optional.empty(), "ops@example.com"), CLOCK);
  }

  private static SmtpSettings settings(String host, int port, Optional<String> user, Optional<String> password,
      String to) {
    try {
      return new SmtpSettings(host, port, user, password, false, new InternetAddress("relaybox@example.com"),
          List.of(InternetAddress.parse(to)), TIMEOUT);
    } catch (jakarta.mail.internet.AddressException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Notification notification() {
    return new Notification(UUID.randomUUID(), "sales", "Call me back", "{}", Instant.parse("2026-03-01T10:00:00Z"),
        "");
  }
}
