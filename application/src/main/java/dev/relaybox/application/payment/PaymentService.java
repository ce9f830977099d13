package dev.relaybox.application.payment;

import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.application.payment.port.in.AccountNotActiveException;
import dev.relaybox.application.payment.port.in.AccountNotFoundException;
import dev.relaybox.application.payment.port.in.GetAccountUseCase;
import dev.relaybox.application.payment.port.in.GetTransactionUseCase;
import dev.relaybox.application.payment.port.in.IdempotencyConflictException;
import dev.relaybox.application.payment.port.in.ListTransactionsQuery;
import dev.relaybox.application.payment.port.in.OpenAccountCommand;
import dev.relaybox.application.payment.port.in.OpenAccountUseCase;
import dev.relaybox.application.payment.port.in.PaymentsUnavailableException;
import dev.relaybox.application.payment.port.in.SubmitTransactionCommand;
import dev.relaybox.application.payment.port.in.SubmitTransactionUseCase;
import dev.relaybox.application.payment.port.out.Accounts;
import dev.relaybox.application.payment.port.out.HistoryEntry;
import dev.relaybox.application.payment.port.out.PaymentCallbacks;
import dev.relaybox.application.payment.port.out.PaymentMetrics;
import dev.relaybox.application.payment.port.out.PaymentTransactions;
import dev.relaybox.application.payment.port.out.StoredTransaction;
import dev.relaybox.application.payment.port.out.TransactionPage;
import dev.relaybox.application.webhooks.OutboundUrlGuard;
import dev.relaybox.domain.payment.Account;
import dev.relaybox.domain.payment.AccountStatus;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.TransactionStatus;
import dev.relaybox.domain.payment.TransactionType;
import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.domain.shared.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/** Accounts and transaction intake: the transaction and its first job commit together, then the jobs take over. */
public final class PaymentService implements OpenAccountUseCase, GetAccountUseCase, SubmitTransactionUseCase, GetTransactionUseCase {
  private final UnitOfWork unitOfWork;
  private final Accounts accounts;
  private final PaymentTransactions transactions;
  private final Jobs jobs;
  private final OutboundUrlGuard urlGuard;
  private final boolean providerConfigured;
  private final PaymentCallbacks callbacks;
  private final PaymentMetrics metrics;
  private final PaymentAnnouncements announcements;
  private final TimeOrderedIds ids;
  private final Clock clock;
  private final PaymentJobs paymentJobs;

  public PaymentService(UnitOfWork unitOfWork, Accounts accounts, PaymentTransactions transactions, Jobs jobs, Payloads payloads, OutboundUrlGuard urlGuard,
      boolean providerConfigured, PaymentCallbacks callbacks, PaymentMetrics metrics, PaymentAnnouncements announcements,
      TimeOrderedIds ids, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.accounts = accounts;
    this.transactions = transactions;
    this.jobs = jobs;
    this.urlGuard = urlGuard;
    this.providerConfigured = providerConfigured;
    this.callbacks = callbacks;
    this.metrics = metrics;
    this.announcements = announcements;
    this.ids = ids;
    this.clock = clock;
    this.paymentJobs = new PaymentJobs(payloads);
  }

  @Override
  public Account open(OpenAccountCommand command) {
    Account account = Account.open(ids.next(), command.currency(), clock.instant());
    unitOfWork.inTransaction(() -> accounts.add(account));
    return account;
  }

  @Override
  public Optional<Account> account(UUID id) {
    return accounts.find(id);
  }

  @Override
  public Optional<TransactionPage> transactions(ListTransactionsQuery query) {
    return accounts.find(query.accountId())
        .map(a -> transactions.list(query.accountId(), query.status(), query.limit(), query.cursor()));
  }

  @Override
  public Optional<TransactionDetail> transaction(UUID id) {
    return transactions.find(id).map(tx -> new TransactionDetail(tx, transactions.history(id)));
  }

  @Override
  public Submission submit(SubmitTransactionCommand command) {
    String hash = requestHash(command);
    // A retry of an accepted request gets its first answer, even if the account changed since.
    Optional<StoredTransaction> earlier = transactions.findByIdempotencyKey(command.accountId(), command.idempotencyKey());
    if (earlier.isPresent()) {
      return replay(earlier.get(), hash);
    }
    Account account = accounts.find(command.accountId())
        .orElseThrow(() -> new AccountNotFoundException("no account " + command.accountId()));
    if (account.status() != AccountStatus.ACTIVE) {
      throw new AccountNotActiveException("the account is " + account.status().wire() + " and takes no new transactions");
    }
    if (!account.currency().equals(command.currency())) {
      throw ValidationException.of("currency", "must be the account's currency, " + account.currency());
    }
    if (command.callbackUrl().isPresent()) {
      checkCallbackUrl(command.callbackUrl().get());
    }
    if (!providerConfigured) {
      throw new PaymentsUnavailableException("the payment provider is not configured on this server");
    }
    Instant now = clock.instant();
    PaymentTransaction accepted = PaymentTransaction.accept(ids.next(), account.id(), command.type(), command.amount(),
        command.currency(), command.reference(), command.callbackUrl(), now);
    StoredTransaction stored = unitOfWork.inTransaction(() -> {
      StoredTransaction row = transactions.addIfAbsent(accepted, command.idempotencyKey(), hash);
      if (row.created()) {
        transactions.record(accepted.id(), new HistoryEntry(now, "accepted",
            accepted.type().wire() + " of " + accepted.amount() + " " + accepted.currency()));
        jobs.enqueue(accepted.type() == TransactionType.DEBIT
            ? paymentJobs.hold(accepted.id(), account.id())
            : paymentJobs.create(accepted.id()));
        announcements.announce(row.transaction().id());
      }
      return row;
    });
    if (!stored.created()) {
      return replay(stored, hash);
    }
    metrics.transactionMoved(TransactionStatus.PENDING);
    return new Submission(stored.transaction(), false);
  }

  private void checkCallbackUrl(String url) {
    if (!callbacks.configured()) {
      throw ValidationException.of("callbackUrl", "callbacks are not configured on this server (RELAYBOX_CALLBACK_SECRET)");
    }
    try {
      urlGuard.check(url);
    } catch (OutboundUrlGuard.RefusedUrlException e) {
      throw ValidationException.of("callbackUrl", e.getMessage());
    }
  }

  private static Submission replay(StoredTransaction stored, String hash) {
    if (!stored.requestHash().equals(hash)) {
      throw new IdempotencyConflictException("this Idempotency-Key was used for a different transaction request");
    }
    return new Submission(stored.transaction(), true);
  }

  /** Length-prefixed fields, so no two different requests share a canonical form. */
  static String requestHash(SubmitTransactionCommand c) {
    StringBuilder canonical = new StringBuilder();
    for (String field : new String[] {c.type().wire(), Long.toString(c.amount()), c.currency().code(), c.reference().orElse("\u0000"),
        c.callbackUrl().orElse("\u0000")}) {
      canonical.append(field.length()).append(':').append(field);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
