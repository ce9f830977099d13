package dev.relaybox.domain.payment;

import dev.relaybox.domain.shared.ValidationException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One credit or debit on an account, in minor units. Its {@link TransactionStatus} only moves along the state
 * machine; {@code providerStatus} is the provider's last word, which the balance job turns into the final status.
 */
public record PaymentTransaction(
    UUID id,
    UUID accountId,
    TransactionType type,
    long amount,
    Currency currency,
    Optional<String> reference,
    Optional<String> callbackUrl,
    TransactionStatus status,
    Optional<String> reason,
    Optional<ProviderStatus> providerStatus,
    Optional<String> providerReason,
    Instant createdAt,
    Optional<Instant> settledAt) {

  public static final int MAX_REFERENCE = 200;
  /** Minor units; keeps every sum of amounts far from overflow. */
  public static final long MAX_AMOUNT = 1_000_000_000_000_000L;

  public PaymentTransaction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    reference = reference == null ? Optional.empty() : reference;
    callbackUrl = callbackUrl == null ? Optional.empty() : callbackUrl;
    reason = reason == null ? Optional.empty() : reason;
    providerStatus = providerStatus == null ? Optional.empty() : providerStatus;
    providerReason = providerReason == null ? Optional.empty() : providerReason;
    settledAt = settledAt == null ? Optional.empty() : settledAt;
    requireAmount(amount);
  }

  public static void requireAmount(long amount) {
    if (amount <= 0) {
      throw ValidationException.of("amount", "must be a positive whole number of minor units");
    }
    if (amount > MAX_AMOUNT) {
      throw ValidationException.of("amount", "must be at most " + MAX_AMOUNT);
    }
  }

  public static PaymentTransaction accept(UUID id, UUID accountId, TransactionType type, long amount, Currency currency,
      Optional<String> reference, Optional<String> callbackUrl, Instant at) {
    return new PaymentTransaction(id, accountId, type, amount, currency, reference, callbackUrl, TransactionStatus.PENDING,
        Optional.empty(), Optional.empty(), Optional.empty(), at, Optional.empty());
  }

  public PaymentTransaction moveTo(TransactionStatus next, Optional<String> why, Instant at) {
    if (!status.canMoveTo(next)) {
      throw new IllegalTransitionException(status, next);
    }
    Optional<Instant> settled = next.terminal() ? Optional.of(at) : Optional.empty();
    return new PaymentTransaction(id, accountId, type, amount, currency, reference, callbackUrl, next, why, providerStatus,
        providerReason, createdAt, settled);
  }

  /** Records the provider's answer; a terminal answer is never overwritten by a later one. */
  public PaymentTransaction withProvider(ProviderStatus reported, Optional<String> why) {
    if (providerStatus.filter(ProviderStatus::terminal).isPresent()) {
      return this;
    }
    return new PaymentTransaction(id, accountId, type, amount, currency, reference, callbackUrl, status, reason,
        Optional.of(reported), why, createdAt, settledAt);
  }

  public boolean providerSettled() {
    return providerStatus.filter(ProviderStatus::terminal).isPresent();
  }
}
