package dev.relaybox.application.jobs.port.in;

import java.time.Instant;
import java.util.Objects;

public interface BackfillSubscriptionUseCase {

  /** @return how many jobs were created */
  int backfill(BackfillSubscriptionCommand command);

  record BackfillSubscriptionCommand(String subscription, Instant since) {
    public BackfillSubscriptionCommand {
      Objects.requireNonNull(subscription, "subscription");
      Objects.requireNonNull(since, "since");
    }
  }
}
