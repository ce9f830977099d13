package dev.relaybox.application.payment.port.out;

import dev.relaybox.domain.payment.Account;
import java.util.Optional;
import java.util.UUID;

/** Accounts and their postings; writes and {@link #lock} join the caller's transaction. */
public interface Accounts {

  void add(Account account);

  Optional<Account> find(UUID id);

  /** Reads the account and locks its row ({@code FOR UPDATE}) until the transaction ends. */
  Optional<Account> lock(UUID id);

  void update(Account account);

  /** Appends one signed movement of the balance; the sum of an account's postings is its balance. */
  void post(Posting posting);
}
