package dev.relaybox.application.jobs;

import java.util.Optional;

/** A job an operator has just cancelled, as its subscription's handler needs it to settle its own records. */
public record CancelledJob(long id, String subscription, Optional<String> key, String payloadJson) {}
