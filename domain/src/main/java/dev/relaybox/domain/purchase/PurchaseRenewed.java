package dev.relaybox.domain.purchase;

import dev.relaybox.domain.shared.EventType;
import java.time.Instant;

/** On the wire {@code purchase.renewed}. */
public record PurchaseRenewed(Purchase purchase, Instant occurredAt) implements PurchaseEvent {
  public static final EventType TYPE = new EventType("purchase.renewed");

  @Override
  public EventType type() {
    return TYPE;
  }
}
