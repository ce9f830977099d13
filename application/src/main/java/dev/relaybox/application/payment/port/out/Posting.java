package dev.relaybox.application.payment.port.out;

import java.time.Instant;
import java.util.UUID;

/** A settled movement of a balance: positive for a credit, negative for a debit. */
public record Posting(UUID accountId, UUID transactionId, long amount, long balanceAfter, Instant at) {}
