package dev.relaybox.application.jobs;

import java.util.Objects;

/** A subscription and the handler that runs its jobs. */
public record HandlerRegistration(Subscription subscription, JobHandler handler) {
  public HandlerRegistration {
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(handler, "handler");
  }
}
