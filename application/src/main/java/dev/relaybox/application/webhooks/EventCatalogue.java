package dev.relaybox.application.webhooks;

import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.purchase.StoreNotificationService;
import dev.relaybox.domain.assistance.AssistanceRequested;
import dev.relaybox.domain.order.OrderEvent;
import dev.relaybox.domain.payment.PaymentEvent;
import dev.relaybox.domain.purchase.PurchaseExpired;
import dev.relaybox.domain.purchase.PurchaseRefunded;
import dev.relaybox.domain.purchase.PurchaseRenewed;
import dev.relaybox.domain.purchase.PurchaseRevoked;
import dev.relaybox.domain.purchase.PurchaseVerified;
import dev.relaybox.domain.shared.EventType;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every event type Relaybox publishes to its outbox, read from the constants the publishers use. An endpoint may only
 * subscribe to patterns that match one of them: a misspelt type would otherwise be accepted and never receive anything.
 */
public final class EventCatalogue {
  private static final List<String> TYPES = Stream.of(
          Stream.of(AssistanceRequested.TYPE),
          Stream.of(PurchaseVerified.TYPE, PurchaseRenewed.TYPE, PurchaseExpired.TYPE, PurchaseRefunded.TYPE, PurchaseRevoked.TYPE),
          Stream.of(StoreNotificationService.APPLE_NOTIFICATION, StoreNotificationService.GOOGLE_NOTIFICATION),
          Arrays.stream(OrderEvent.values()).map(OrderEvent::type),
          Arrays.stream(PaymentEvent.values()).map(PaymentEvent::type))
      .flatMap(s -> s).map(EventType::value).toList();

  private EventCatalogue() {}

  /** The event types, grouped by context in publishing order. */
  public static List<String> types() {
    return TYPES;
  }

  /** Whether {@code filter} matches at least one event type Relaybox publishes. */
  public static boolean known(EventFilter filter) {
    return TYPES.stream().anyMatch(filter::matches);
  }

  /** What a refusal tells the caller to pick from. */
  public static String describe() {
    return "one of " + String.join(", ", TYPES) + ", a prefix of them such as order.* or *";
  }
}
