package dev.relaybox.application.jobs.port.out;

/** Appends events inside the caller's open {@link UnitOfWork}; they fan out to subscriptions after commit. */
public interface Outbox {
  void publish(OutboxEvent event);
}
