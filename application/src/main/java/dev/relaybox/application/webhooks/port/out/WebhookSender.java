package dev.relaybox.application.webhooks.port.out;

import dev.relaybox.application.webhooks.EventEnvelope;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** POSTs one event envelope, signed in the Standard Webhooks format with {@code webhook-id = envelope id}. */
public interface WebhookSender {

  /** Signs with every one of {@code secrets} (one signature each, as Standard Webhooks allows during a rotation). */
  Delivery send(URI url, List<String> secrets, EventEnvelope envelope);

  /** {@code status} is 0 when no HTTP answer came back. */
  record Delivery(int status, String summary, Duration latency, Optional<Duration> retryAfter) {
    public boolean succeeded() {
      return status >= 200 && status < 300;
    }
  }
}
