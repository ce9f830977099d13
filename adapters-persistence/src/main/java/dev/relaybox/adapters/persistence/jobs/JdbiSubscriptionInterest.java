package dev.relaybox.adapters.persistence.jobs;

import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.jobs.port.out.SubscriptionInterest;
import java.util.Set;

/** {@code job_subscription.wanted_types}, which the relay's fan-out reads (V80), changed under the relay's lock. */
public final class JdbiSubscriptionInterest implements SubscriptionInterest {
  private final JdbiUnitOfWork unitOfWork;

  public JdbiSubscriptionInterest(JdbiUnitOfWork unitOfWork) {
    this.unitOfWork = unitOfWork;
  }

  @Override
  public void holdRelays() {
    unitOfWork.currentHandle("SubscriptionInterest.holdRelays").createQuery("SELECT pg_advisory_xact_lock(:key)::text")
        .bind("key", JdbiJobStore.RELAY_LOCK).mapTo(String.class).one();
  }

  @Override
  public void receiveOnly(String subscription, Set<String> eventTypePatterns) {
    unitOfWork.currentHandle("SubscriptionInterest.receiveOnly").createUpdate("UPDATE job_subscription SET wanted_types = :types WHERE name = :name")
        .bindArray("types", String.class, eventTypePatterns.stream().sorted().toArray(String[]::new))
        .bind("name", subscription)
        .execute();
  }
}
