package dev.relaybox.domain.payment;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An account in one currency. {@code balance} is the settled money; {@code held} is reserved by debits still at the
 * provider, so {@code available = balance - held}. Neither may go below zero.
 */
public record Account(UUID id, Currency currency, long balance, long held, AccountStatus status, Instant createdAt) {

  public Account {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    if (held < 0 || balance < held) {
      throw new IllegalArgumentException("an account needs 0 <= held <= balance, got balance " + balance + ", held " + held);
    }
  }

  public static Account open(UUID id, Currency currency, Instant at) {
    return new Account(id, currency, 0, 0, AccountStatus.ACTIVE, at);
  }

  public long available() {
    return balance - held;
  }

  /** Reserves {@code amount} for a debit. */
  public Account hold(long amount) {
    if (amount > available()) {
      throw new InsufficientFundsException(available(), amount);
    }
    return new Account(id, currency, balance, held + amount, status, createdAt);
  }

  /** Gives back a hold whose debit failed. */
  public Account release(long amount) {
    return new Account(id, currency, balance, held - amount, status, createdAt);
  }

  /** Turns a hold into a posting: the debit succeeded. */
  public Account settleDebit(long amount) {
    return new Account(id, currency, balance - amount, held - amount, status, createdAt);
  }

  public Account credit(long amount) {
    return new Account(id, currency, Math.addExact(balance, amount), held, status, createdAt);
  }
}
