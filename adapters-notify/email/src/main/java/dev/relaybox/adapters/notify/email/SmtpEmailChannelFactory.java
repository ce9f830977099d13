package dev.relaybox.adapters.notify.email;

import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.assistance.port.out.NotificationChannelFactory;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Creates the email channel when {@value #HOST} is set; {@value #FROM} and {@value #TO} are then required. The
 * password is never logged nor echoed.
 */
public final class SmtpEmailChannelFactory implements NotificationChannelFactory {

  public static final String HOST = "RELAYBOX_SMTP_HOST";
  public static final String PORT = "RELAYBOX_SMTP_PORT";
  public static final String USERNAME = "RELAYBOX_SMTP_USERNAME";
  public static final String PASSWORD = "RELAYBOX_SMTP_PASSWORD";
  public static final String STARTTLS = "RELAYBOX_SMTP_STARTTLS";
  public static final String FROM = "RELAYBOX_EMAIL_FROM";
  public static final String TO = "RELAYBOX_EMAIL_TO";
  static final int DEFAULT_PORT = 587;
  /** Connection, read and write timeout of the SMTP socket. */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

  @Override
  public String name() {
    return SmtpEmailChannel.NAME;
  }

  @Override
  public Optional<NotificationChannel> create(ChannelSettings settings) {
    return smtpSettings(settings).map(s -> new SmtpEmailChannel(s, settings.clock()));
  }

  /** The settings, or empty when {@value #HOST} is unset. */
  static Optional<SmtpSettings> smtpSettings(ChannelSettings settings) {
    Optional<String> host = settings.get(HOST);
    if (host.isEmpty()) {
      return Optional.empty();
    }
    int port = settings.get(PORT).map(SmtpEmailChannelFactory::port).orElse(DEFAULT_PORT);
    boolean startTls = settings.get(STARTTLS).map(SmtpEmailChannelFactory::bool).orElse(true);
    Optional<String> username = settings.get(USERNAME);
    Optional<String> password = settings.get(PASSWORD);
    if (password.isPresent() && username.isEmpty()) {
      throw new IllegalArgumentException(PASSWORD + " is set but " + USERNAME + " is not");
    }
    InternetAddress from = from(settings.get(FROM).orElseThrow(() -> required(FROM)));
    List<InternetAddress> to = to(settings.get(TO).orElseThrow(() -> required(TO)));
    return Optional.of(new SmtpSettings(host.get(), port, username, password, startTls, from, to, SOCKET_TIMEOUT));
  }

  private static IllegalArgumentException required(String name) {
    return new IllegalArgumentException(name + " is required when " + HOST + " is set");
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value.strip());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(PORT + " must be a port number (1-65535), not '" + value + "'");
  }

  private static boolean bool(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException(STARTTLS + " must be true or false, not '" + value + "'");
    };
  }

  private static InternetAddress from(String value) {
    try {
      InternetAddress address = new InternetAddress(value, true);
      address.validate();
      return address;
    } catch (AddressException e) {
      throw new IllegalArgumentException(FROM + " must be one email address: " + e.getMessage());
    }
  }

  private static List<InternetAddress> to(String value) {
    try {
      InternetAddress[] addresses = InternetAddress.parse(value, true);
      for (InternetAddress address : addresses) {
        address.validate();
      }
      if (addresses.length == 0) {
        throw new IllegalArgumentException(TO + " must name at least one email address");
      }
      return List.of(addresses);
    } catch (AddressException e) {
      throw new IllegalArgumentException(TO + " must be comma-separated email addresses: " + e.getMessage());
    }
  }
}
