package dev.relaybox.application.payment.port.out;

import dev.relaybox.domain.payment.PaymentTransaction;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * POSTs {@code {"type": "transaction.updated", "data": <transaction>}} to a client's callback URL, signed in the
 * Standard Webhooks format with {@code webhook-id = webhookId} (the same on every retry).
 */
public interface PaymentCallbacks {

  boolean configured();

  Delivery send(URI url, String webhookId, PaymentTransaction transaction);

  /** {@code status} is 0 when no HTTP answer came back. */
  record Delivery(int status, String summary, Optional<Duration> retryAfter) {
    public boolean succeeded() {
      return status >= 200 && status < 300;
    }
  }
}
