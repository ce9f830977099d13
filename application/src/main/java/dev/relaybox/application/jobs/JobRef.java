package dev.relaybox.application.jobs;

/** A job id with the attempt that holds the lease; writes with a stale attempt are ignored. */
public record JobRef(long id, int attempt) {}
