package dev.relaybox.application.jobs;

import java.time.Instant;

/** Claim up to {@code limit} due jobs of one subscription for {@code node} until {@code leaseUntil}. */
public record ClaimRequest(String subscription, boolean fifoPerKey, int limit, String node, Instant now, Instant leaseUntil) {}
