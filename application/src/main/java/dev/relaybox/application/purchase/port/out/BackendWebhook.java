package dev.relaybox.application.purchase.port.out;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** POSTs one event to the main backend, signed in the Standard Webhooks format with {@code webhook-id = eventId}. */
public interface BackendWebhook {

  boolean configured();

  Delivery post(UUID eventId, String eventType, Instant timestamp, String payloadJson);

  /** {@code status} is 0 when no HTTP answer came back. */
  record Delivery(int status, String summary, Duration latency, Optional<Duration> retryAfter) {
    public boolean succeeded() {
      return status >= 200 && status < 300;
    }
  }
}
