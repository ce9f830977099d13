package dev.relaybox.adapters.notify.slack;

import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.assistance.port.out.NotificationChannelFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Creates the Slack channel when {@value #WEBHOOK_URL} is set. */
public final class SlackChannelFactory implements NotificationChannelFactory {

  public static final String WEBHOOK_URL = "RELAYBOX_SLACK_WEBHOOK_URL";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Backstop only: the resilience decorator's timeout (default 5 s) normally ends a slow call first. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String name() {
    return SlackChannel.NAME;
  }

  @Override
  public Optional<NotificationChannel> create(ChannelSettings settings) {
    return settings.get(WEBHOOK_URL)
        .map(url -> SlackChannel.create(httpUrl(url), CONNECT_TIMEOUT, REQUEST_TIMEOUT, settings.clock()));
  }

  /** Validates without echoing the value: a Slack webhook URL is a credential. */
  static URI httpUrl(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        WEBHOOK_URL + " must be an http(s) URL such as https://hooks.slack.com/services/T000/B000/XXXX");
  }
}
