package dev.relaybox.application.payment.port.out;

import dev.relaybox.domain.payment.ProviderStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** The third party that moves the money (docs/payment-provider.md). Its create is keyed by Relaybox's id. */
public interface PaymentProvider {

  Lookup find(UUID transactionId);

  Creation create(ProviderRequest request);

  record ProviderRequest(UUID id, String type, long amount, String currency, Optional<String> reference) {}

  sealed interface Lookup {
    record Found(ProviderStatus status, Optional<String> reason) implements Lookup {}

    record NotFound() implements Lookup {}

    /** The provider asked us to slow down before doing anything. */
    record Throttled(Duration after) implements Lookup {}

    record Unavailable(String why) implements Lookup {}
  }

  sealed interface Creation {
    /** 201, or 409: the provider has the transaction. */
    record Created(boolean alreadyExisted) implements Creation {}

    /** 504 or a timeout: it may or may not have been created. */
    record Unknown(String why) implements Creation {}

    /** Another 5xx or no connection: not created. */
    record NotCreated(String why) implements Creation {}

    record Throttled(Duration after) implements Creation {}

    /** A 4xx: the provider will never create it. */
    record Refused(String reason) implements Creation {}
  }
}
