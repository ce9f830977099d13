package dev.relaybox.application.jobs;

/**
 * A claimed job and the fencing token of its lease. Every claim takes a fresh token that is never reused, so a write
 * with this ref lands only while this lease still holds the job; once the job was cancelled, rescued, replayed, timed
 * out or given back, writes with the old token are ignored.
 */
public record JobRef(long id, long token) {}
