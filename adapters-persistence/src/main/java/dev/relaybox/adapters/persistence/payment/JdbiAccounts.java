package dev.relaybox.adapters.persistence.payment;

import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.payment.port.out.Accounts;
import dev.relaybox.application.payment.port.out.Posting;
import dev.relaybox.domain.payment.Account;
import dev.relaybox.domain.payment.AccountStatus;
import dev.relaybox.domain.payment.Currency;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Accounts and postings; writes and locking reads join the caller's transaction, plain reads use a short-lived handle. */
public final class JdbiAccounts implements Accounts {
  private static final String COLUMNS = "id, currency, balance, held, status, created_at";

  private final JdbiUnitOfWork unitOfWork;
  private final Jdbi jdbi;

  public JdbiAccounts(JdbiUnitOfWork unitOfWork, Jdbi jdbi) {
    this.unitOfWork = unitOfWork;
    this.jdbi = jdbi;
  }

  @Override
  public void add(Account a) {
    unitOfWork.currentHandle("Accounts.add").createUpdate("""
            INSERT INTO payment_account (id, currency, balance, held, status, created_at, updated_at)
            VALUES (:id, :currency, :balance, :held, :status, :createdAt, :createdAt)""")
        .bind("id", a.id())
        .bind("currency", a.currency().code())
        .bind("balance", a.balance())
        .bind("held", a.held())
        .bind("status", a.status().wire())
        .bind("createdAt", a.createdAt())
        .execute();
  }

  @Override
  public Optional<Account> find(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM payment_account WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> account(rs))
        .findOne());
  }

  @Override
  public Optional<Account> lock(UUID id) {
    return unitOfWork.currentHandle("Accounts.lock").createQuery("SELECT " + COLUMNS + " FROM payment_account WHERE id = :id FOR UPDATE")
        .bind("id", id)
        .map((rs, ctx) -> account(rs))
        .findOne();
  }

  @Override
  public void update(Account a) {
    unitOfWork.currentHandle("Accounts.update").createUpdate("""
            UPDATE payment_account SET balance = :balance, held = :held, status = :status, updated_at = now() WHERE id = :id""")
        .bind("id", a.id())
        .bind("balance", a.balance())
        .bind("held", a.held())
        .bind("status", a.status().wire())
        .execute();
  }

  @Override
  public void post(Posting p) {
    unitOfWork.currentHandle("Accounts.post").createUpdate("""
            INSERT INTO payment_posting (account_id, transaction_id, amount, balance_after, at)
            VALUES (:accountId, :transactionId, :amount, :balanceAfter, :at)""")
        .bind("accountId", p.accountId())
        .bind("transactionId", p.transactionId())
        .bind("amount", p.amount())
        .bind("balanceAfter", p.balanceAfter())
        .bind("at", p.at())
        .execute();
  }

  private static Account account(ResultSet rs) throws SQLException {
    return new Account(rs.getObject("id", UUID.class), new Currency(rs.getString("currency")), rs.getLong("balance"),
        rs.getLong("held"), AccountStatus.fromWire(rs.getString("status")),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
