package dev.relaybox.application.payment.port.in;

import dev.relaybox.application.payment.port.out.HistoryEntry;
import dev.relaybox.domain.payment.PaymentTransaction;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface GetTransactionUseCase {
  Optional<TransactionDetail> transaction(UUID id);

  record TransactionDetail(PaymentTransaction transaction, List<HistoryEntry> history) {}
}
