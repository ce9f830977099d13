package dev.relaybox.application.purchase.port.in;

import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.domain.purchase.Purchase;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A purchase's current state and its full audit trail, oldest first. */
public interface GetPurchaseUseCase {

  Optional<Purchase> get(UUID id);

  Optional<List<AuditEntry>> history(UUID id);
}
