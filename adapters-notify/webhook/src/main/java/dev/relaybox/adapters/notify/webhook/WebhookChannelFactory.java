package dev.relaybox.adapters.notify.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import dev.relaybox.application.assistance.port.out.ChannelSettings;
import dev.relaybox.application.assistance.port.out.NotificationChannel;
import dev.relaybox.application.assistance.port.out.NotificationChannelFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** Creates the webhook channel when {@value #URL} is set; {@value #SECRET} is then required. */
public final class WebhookChannelFactory implements NotificationChannelFactory {

  public static final String URL = "RELAYBOX_WEBHOOK_URL";
  public static final String SECRET = "RELAYBOX_WEBHOOK_SECRET";
  static final String SECRET_PREFIX = "whsec_";
  /** The Standard Webhooks spec asks for secrets of 24 to 64 bytes. */
  static final int MIN_SECRET_BYTES = 24;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Backstop only: the resilience decorator's timeout (default 5 s) normally ends a slow call first. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String name() {
    return WebhookChannel.NAME;
  }

  @Override
  public Optional<NotificationChannel> create(ChannelSettings settings) {
    Optional<String> url = settings.get(URL);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    URI uri = httpUrl(url.get());
    Webhook signer = signer(settings.get(SECRET)
        .orElseThrow(() -> new IllegalArgumentException(SECRET + " is required when " + URL + " is set")));
    return Optional.of(WebhookChannel.create(uri, signer, CONNECT_TIMEOUT, REQUEST_TIMEOUT, settings.clock()));
  }

  /** Checks the secret's form without ever echoing it. */
  static Webhook signer(String secret) {
    String problem = SECRET + " must be '" + SECRET_PREFIX + "' followed by at least " + MIN_SECRET_BYTES
        + " bytes in base64 (e.g. whsec_ + `openssl rand -base64 32`)";
    if (!secret.startsWith(SECRET_PREFIX)) {
      throw new IllegalArgumentException(problem);
    }
    try {
      if (Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())).length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(problem);
      }
      return new Webhook(secret);
    } catch (EmptyWebhookSecretException | IllegalArgumentException e) {
      throw new IllegalArgumentException(problem);
    }
  }

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
    throw new IllegalArgumentException(URL + " must be an http(s) URL such as https://example.com/hooks/relaybox");
  }
}
