package dev.relaybox.application.payment.port.out;

import java.time.Instant;

/** One thing that happened to a transaction: a provider call, poll, webhook, balance change or callback attempt. */
public record HistoryEntry(Instant at, String kind, String detail) {}
