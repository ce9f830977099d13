package dev.relaybox.domain.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relaybox.domain.shared.ValidationException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PaymentStateMachineTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static PaymentTransaction debit(long amount) {
    return PaymentTransaction.accept(UUID.randomUUID(), UUID.randomUUID(), TransactionType.DEBIT, amount, new Currency("USD"),
        Optional.empty(), Optional.empty(), T0);
  }

  @Test
  void aHoldBecomesAPostingOrIsReleased() {
    Account account = Account.open(UUID.randomUUID(), new Currency("EUR"), T0).credit(100);
    Account held = account.hold(60);
    assertEquals(40, held.available());
    assertEquals(40, held.settleDebit(60).balance());
    assertEquals(0, held.settleDebit(60).held());
    assertEquals(100, held.release(60).available());
  }

  @Test
  void aDebitBeyondTheAvailableFundsIsRefused() {
    Account account = Account.open(UUID.randomUUID(), new Currency("EUR"), T0).credit(100).hold(60);
    assertThrows(InsufficientFundsException.class, () -> account.hold(41));
  }

  @Test
  void settledTransactionsNeverMoveAgainButARejectedOneMayBeRetried() {
    PaymentTransaction done = debit(5).moveTo(TransactionStatus.PROCESSING, Optional.empty(), T0)
        .moveTo(TransactionStatus.SUCCEEDED, Optional.empty(), T0);
    assertEquals(Optional.of(T0), done.settledAt());
    assertThrows(IllegalTransitionException.class, () -> done.moveTo(TransactionStatus.FAILED, Optional.empty(), T0));

    PaymentTransaction rejected = debit(5).moveTo(TransactionStatus.REJECTED, Optional.of("insufficient_funds"), T0);
    assertEquals(TransactionStatus.PROCESSING, rejected.moveTo(TransactionStatus.PROCESSING, Optional.empty(), T0).status());
  }

  @Test
  void theProvidersFinalWordIsNotOverwritten() {
    PaymentTransaction tx = debit(5).withProvider(ProviderStatus.SUCCEEDED, Optional.empty())
        .withProvider(ProviderStatus.FAILED, Optional.of("late"));
    assertEquals(Optional.of(ProviderStatus.SUCCEEDED), tx.providerStatus());
  }

  @Test
  void amountsAndCurrenciesAreValidated() {
    assertThrows(ValidationException.class, () -> debit(0));
    assertThrows(ValidationException.class, () -> new Currency("usd"));
    assertThrows(ValidationException.class, () -> new Currency("XYZ"));
  }
}
