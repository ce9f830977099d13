package dev.relaybox.application.payment.port.in;

import dev.relaybox.domain.payment.ProviderStatus;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** A provider webhook whose signature and timestamp the receiving adapter has already verified. */
public record ProviderWebhook(String webhookId, UUID transactionId, ProviderStatus status, Optional<String> reason) {
  public ProviderWebhook {
    Objects.requireNonNull(webhookId, "webhookId");
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(status, "status");
    reason = reason == null ? Optional.empty() : reason;
  }
}
