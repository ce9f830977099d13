package dev.relaybox.application.payment.port.in;

import dev.relaybox.domain.payment.TransactionStatus;
import dev.relaybox.domain.shared.ValidationException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

public record ListTransactionsQuery(UUID accountId, Optional<TransactionStatus> status, int limit, Optional<UUID> cursor) {
  public static final int MAX_LIMIT = 200;

  public ListTransactionsQuery {
    Objects.requireNonNull(accountId, "accountId");
    status = status == null ? Optional.empty() : status;
    cursor = cursor == null ? Optional.empty() : cursor;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ValidationException.of("limit", "must be between 1 and " + MAX_LIMIT);
    }
  }
}
