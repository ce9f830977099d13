package dev.relaybox.domain.purchase;

import dev.relaybox.domain.shared.EventType;
import java.time.Instant;

/** On the wire {@code purchase.verified}. */
public record PurchaseVerified(Purchase purchase, Instant occurredAt) implements PurchaseEvent {
  public static final EventType TYPE = new EventType("purchase.verified");

  @Override
  public EventType type() {
    return TYPE;
  }
}
