package dev.relaybox.adapters.notify.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.NotificationChannelFactory;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class SmtpEmailChannelFactoryTest {

  private final SmtpEmailChannelFactory factory = new SmtpEmailChannelFactory();

  @Test
  void isNotConfiguredWithoutAHost() {
    assertTrue(factory.create(settings(Map.of(SmtpEmailChannelFactory.TO, "ops@example.com"))).isEmpty());
  }

  @Test
  void defaultsToPort587WithStartTlsAndAcceptsSeveralRecipients() {
    SmtpSettings s = SmtpEmailChannelFactory.smtpSettings(settings(Map.of(
        SmtpEmailChannelFactory.HOST, "smtp.example.com",
        SmtpEmailChannelFactory.FROM, "Relaybox <relaybox@example.com>",
        SmtpEmailChannelFactory.TO, "ops@example.com, sales@example.com"))).orElseThrow();

    assertEquals(587, s.port());
    assertTrue(s.startTls());
    assertEquals(2, s.to().size());
    assertEquals("relaybox@example.com", s.from().getAddress());
    assertEquals("true", SmtpEmailChannel.properties(s).getProperty("mail.smtp.starttls.required"));
    assertEquals("5000", SmtpEmailChannel.properties(s).getProperty("mail.smtp.timeout"));
    assertEquals("email", factory.create(settings(Map.of(
        SmtpEmailChannelFactory.HOST, "smtp.example.com",
        SmtpEmailChannelFactory.FROM, "relaybox@example.com",
        SmtpEmailChannelFactory.TO, "ops@example.com"))).orElseThrow().name());
  }

  @Test
  void requiresFromAndToOnceTheHostIsSet() {
    var noFrom = assertThrows(IllegalArgumentException.class, () -> factory.create(settings(Map.of(
        SmtpEmailChannelFactory.HOST, "smtp.example.com", SmtpEmailChannelFactory.TO, "ops@example.com"))));
    assertTrue(noFrom.getMessage().contains("RELAYBOX_EMAIL_FROM"), noFrom.getMessage());
    var noTo = assertThrows(IllegalArgumentException.class, () -> factory.create(settings(Map.of(
        SmtpEmailChannelFactory.HOST, "smtp.example.com", SmtpEmailChannelFactory.FROM, "relaybox@example.com"))));
    assertTrue(noTo.getMessage().contains("RELAYBOX_EMAIL_TO"), noTo.getMessage());
  }

  @Test
  void invalidValuesNameTheVariable() {
    Map<String, String> base = Map.of(SmtpEmailChannelFactory.HOST, "smtp.example.com",
        SmtpEmailChannelFactory.FROM, "relaybox@example.com", SmtpEmailChannelFactory.TO, "ops@example.com");
    assertNamed(SmtpEmailChannelFactory.PORT, with(base, SmtpEmailChannelFactory.PORT, "70000"));
    assertNamed(SmtpEmailChannelFactory.STARTTLS, with(base, SmtpEmailChannelFactory.STARTTLS, "maybe"));
    assertNamed(SmtpEmailChannelFactory.TO, with(base, SmtpEmailChannelFactory.TO, "ops@example.com, not an address"));
    assertNamed(SmtpEmailChannelFactory.FROM, with(base, SmtpEmailChannelFactory.FROM, "a@b.c, d@e.f"));
  }

  @Test
  void neverShowsThePassword() {
    SmtpSettings s = SmtpEmailChannelFactory.smtpSettings(settings(Map.of(
        SmtpEmailChannelFactory.HOST, "smtp.example.com", SmtpEmailChannelFactory.USERNAME, "relaybox",
        SmtpEmailChannelFactory.PASSWORD, "hunter2-very-secret", SmtpEmailChannelFactory.FROM, "relaybox@example.com",
        SmtpEmailChannelFactory.TO, "ops@example.com"))).orElseThrow();
    assertFalse(s.toString().contains("hunter2"), s.toString());
    assertFalse(SmtpEmailChannel.properties(s).toString().contains("hunter2"));
  }

  @Test
  void isRegisteredForServiceLoader() {
    assertTrue(ServiceLoader.load(NotificationChannelFactory.class).stream()
        .anyMatch(p -> p.type() == SmtpEmailChannelFactory.class));
  }

  private void assertNamed(String variable, Map<String, String> env) {
    var e = assertThrows(IllegalArgumentException.class, () -> factory.create(settings(env)));
    assertTrue(e.getMessage().contains(variable), e.getMessage());
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> copy = new HashMap<>(base);
    copy.put(key, value);
    return copy;
  }

  private static ChannelSettings settings(Map<String, String> env) {
    return new ChannelSettings(env, Clock.systemUTC());
  }
}
