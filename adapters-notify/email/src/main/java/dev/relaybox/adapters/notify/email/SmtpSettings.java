package dev.relaybox.adapters.notify.email;

import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to send. {@code password} is a credential: {@link #toString()} masks it.
 *
 * @param timeout connection, read and write timeout of the SMTP socket
 */
public record SmtpSettings(String host, int port, Optional<String> username, Optional<String> password,
    boolean startTls, InternetAddress from, List<InternetAddress> to, Duration timeout) {

  public SmtpSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(timeout, "timeout");
    to = List.copyOf(to);
    if (to.isEmpty()) {
      throw new IllegalArgumentException("at least one recipient is needed");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535");
    }
  }

  @Override
  public String toString() {
    return "SmtpSettings[host=" + host + ", port=" + port + ", username=" + username.orElse("(none)")
        + ", password=" + (password.isPresent() ? "****" : "(none)") + ", startTls=" + startTls + ", from=" + from
        + ", to=" + to + ", timeout=" + timeout + "]";
  }
}
