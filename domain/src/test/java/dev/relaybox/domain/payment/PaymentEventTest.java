package dev.relaybox.domain.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PaymentEventTest {
  @Test
  void acceptanceAndEveryFinalStatusAnnounceAnEventAndProcessingNone() {
    assertEquals(Optional.of("payment.created"), PaymentEvent.announcing(TransactionStatus.PENDING).map(e -> e.type().value()));
    assertEquals(Optional.empty(), PaymentEvent.announcing(TransactionStatus.PROCESSING));
    for (TransactionStatus status : TransactionStatus.values()) {
      if (status.terminal()) {
        assertEquals(Optional.of("payment." + status.wire()), PaymentEvent.announcing(status).map(e -> e.type().value()), status.wire());
      }
    }
  }
}
