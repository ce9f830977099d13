package dev.relaybox.application.order.port.out;

import dev.relaybox.domain.order.OrderLine;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reserves stock for an order. Every call is keyed by Relaybox's order id, so a repeated reservation returns the same
 * one and a compensation can find what to release. Every method may throw {@link DependencyUnavailableException}.
 */
public interface Inventory {

  Reservation reserve(UUID orderId, List<OrderLine> lines);

  Optional<String> findReservation(UUID orderId);

  /** Releases the reservation; releasing one that is already gone is not an error. */
  void release(String reservationId);

  sealed interface Reservation {
    record Reserved(String reservationId) implements Reservation {}

    record Unavailable(List<String> skus) implements Reservation {
      public Unavailable {
        skus = List.copyOf(skus);
      }
    }
  }
}
