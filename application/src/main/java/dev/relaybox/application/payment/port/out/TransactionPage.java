package dev.relaybox.application.payment.port.out;

import dev.relaybox.domain.payment.PaymentTransaction;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Newest first; {@code next} is the cursor for the following page. */
public record TransactionPage(List<PaymentTransaction> items, Optional<UUID> next) {}
