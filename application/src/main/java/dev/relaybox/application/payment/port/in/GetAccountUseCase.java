package dev.relaybox.application.payment.port.in;

import dev.relaybox.application.payment.port.out.TransactionPage;
import dev.relaybox.domain.payment.Account;
import java.util.Optional;
import java.util.UUID;

public interface GetAccountUseCase {
  Optional<Account> account(UUID id);

  /** @return empty when the account does not exist */
  Optional<TransactionPage> transactions(ListTransactionsQuery query);
}
