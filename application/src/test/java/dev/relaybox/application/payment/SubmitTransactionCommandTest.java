package dev.relaybox.application.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relaybox.application.payment.port.in.SubmitTransactionCommand;
import dev.relaybox.domain.shared.ValidationException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A payment's reference is limited in characters, as the API documents it, not in UTF-16 units. */
class SubmitTransactionCommandTest {
  private static final String EMOJI = "\uD83D\uDE00"; // one character, two UTF-16 units

  @Test
  void aReferenceOf200CharactersOutsideTheBasicPlaneIsAccepted() {
    String reference = EMOJI.repeat(200);

    SubmitTransactionCommand command = submit(reference);

    assertEquals(Optional.of(reference), command.reference());
  }

  @Test
  void aReferenceOf201CharactersIsRefused() {
    assertThrows(ValidationException.class, () -> submit(EMOJI.repeat(201)));
    assertThrows(ValidationException.class, () -> submit("r".repeat(201)));
  }

  private static SubmitTransactionCommand submit(String reference) {
    return SubmitTransactionCommand.of(UUID.randomUUID(), "key-1", "credit", 1_000L, "EUR", reference, null);
  }
}
