package dev.relaybox.application.payment.port.in;

import dev.relaybox.domain.payment.PaymentTransaction;

/**
 * Accepts a transaction at once and leaves the provider, the balance and the callback to jobs. Same key and same body
 * gives back the first transaction ({@code replayed}); same key, other body throws {@link IdempotencyConflictException}.
 */
public interface SubmitTransactionUseCase {
  Submission submit(SubmitTransactionCommand command);

  record Submission(PaymentTransaction transaction, boolean replayed) {}
}
