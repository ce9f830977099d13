package dev.relaybox.adapters.http.payment;

import dev.relaybox.adapters.http.shared.LookupIds;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.Problem;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
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
import dev.relaybox.application.payment.port.out.HistoryEntry;
import dev.relaybox.domain.payment.Account;
import dev.relaybox.domain.payment.PaymentTransaction;
import dev.relaybox.domain.payment.TransactionStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /v1/accounts} and {@code /v1/transactions}: accounts in minor units, and transactions accepted at once
 * ({@code 202}) under a required {@code Idempotency-Key}, then settled by jobs.
 */
public final class PaymentRoutes implements RouteModule {
  private static final String ACCOUNTS = "/v1/accounts";
  private static final String TRANSACTIONS = "/v1/transactions";

  private final OpenAccountUseCase open;
  private final GetAccountUseCase accounts;
  private final SubmitTransactionUseCase submit;
  private final GetTransactionUseCase transactions;
  private final JsonBodies bodies;

  public PaymentRoutes(OpenAccountUseCase open, GetAccountUseCase accounts, SubmitTransactionUseCase submit,
      GetTransactionUseCase transactions, JsonBodies bodies) {
    this.open = open;
    this.accounts = accounts;
    this.submit = submit;
    this.transactions = transactions;
    this.bodies = bodies;
  }

  record AccountBody(String currency) {}

  record TransactionBody(String type, Long amount, String currency, String reference, String callbackUrl) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record AccountView(UUID id, String currency, long balance, long available, String status, Instant createdAt) {
    static AccountView of(Account a) {
      return new AccountView(a.id(), a.currency().code(), a.balance(), a.available(), a.status().wire(), a.createdAt());
    }
  }

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record TransactionView(UUID id, UUID accountId, String type, long amount, String currency, String reference, String status,
      String reason, String callbackUrl, Instant createdAt, Instant settledAt) {
    static TransactionView of(PaymentTransaction t) {
      return new TransactionView(t.id(), t.accountId(), t.type().wire(), t.amount(), t.currency().code(), t.reference().orElse(null),
          t.status().wire(), t.reason().orElse(null), t.callbackUrl().orElse(null), t.createdAt(), t.settledAt().orElse(null));
    }
  }

  record HistoryView(Instant at, String kind, String detail) {
    static HistoryView of(HistoryEntry e) {
      return new HistoryView(e.at(), e.kind(), e.detail());
    }
  }

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record DetailView(UUID id, UUID accountId, String type, long amount, String currency, String reference, String status,
      String reason, String callbackUrl, Instant createdAt, Instant settledAt, List<HistoryView> history) {
    static DetailView of(GetTransactionUseCase.TransactionDetail d) {
      TransactionView t = TransactionView.of(d.transaction());
      return new DetailView(t.id(), t.accountId(), t.type(), t.amount(), t.currency(), t.reference(), t.status(), t.reason(),
          t.callbackUrl(), t.createdAt(), t.settledAt(), d.history().stream().map(HistoryView::of).toList());
    }
  }

  record ReceiptView(UUID id, String status) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record PageView(List<TransactionView> transactions, String nextCursor) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(ACCOUNTS, this::openAccount);
    routes.get(ACCOUNTS + "/{id}", this::account);
    routes.get(ACCOUNTS + "/{id}/transactions", this::list);
    routes.post(ACCOUNTS + "/{id}/transactions", this::submit);
    routes.get(TRANSACTIONS + "/{id}", this::transaction);
  }

  /** The transaction with its history, for the operators' look-up; empty when {@code id} is not a transaction id. */
  public Optional<Object> find(String id) {
    return LookupIds.uuid(id).flatMap(transactions::transaction).map(DetailView::of);
  }

  private void openAccount(Context ctx) {
    AccountBody body = bodies.read(ctx, AccountBody.class);
    Account account = open.open(OpenAccountCommand.of(body.currency()));
    ctx.header("Location", ACCOUNTS + "/" + account.id());
    ctx.status(201).json(AccountView.of(account));
  }

  private void account(Context ctx) {
    UUID id = parseId(ctx.pathParam("id"), "account");
    ctx.json(AccountView.of(accounts.account(id).orElseThrow(() -> ProblemException.notFound("no account " + id))));
  }

  private void list(Context ctx) {
    UUID id = parseId(ctx.pathParam("id"), "account");
    Optional<TransactionStatus> status = param(ctx, "status").map(PaymentRoutes::status);
    int limit = param(ctx, "limit").map(PaymentRoutes::limit).orElse(50);
    Optional<UUID> cursor = param(ctx, "cursor").map(PaymentRoutes::cursor);
    var page = accounts.transactions(new ListTransactionsQuery(id, status, limit, cursor))
        .orElseThrow(() -> ProblemException.notFound("no account " + id));
    ctx.json(new PageView(page.items().stream().map(TransactionView::of).toList(), page.next().map(UUID::toString).orElse(null)));
  }

  private void submit(Context ctx) {
    UUID accountId = parseId(ctx.pathParam("id"), "account");
    TransactionBody body = bodies.read(ctx, TransactionBody.class);
    SubmitTransactionCommand command = SubmitTransactionCommand.of(accountId, ctx.header("Idempotency-Key"), body.type(),
        body.amount(), body.currency(), body.reference(), body.callbackUrl());
    SubmitTransactionUseCase.Submission submission;
    try {
      submission = submit.submit(command);
    } catch (AccountNotFoundException e) {
      throw ProblemException.notFound("no account " + accountId);
    } catch (AccountNotActiveException e) {
      throw new ProblemException(Problem.of(409, "account-not-active", "Account not active", e.getMessage()));
    } catch (IdempotencyConflictException e) {
      throw new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency-Key reused", e.getMessage())
          .withErrors(List.of(new Problem.FieldError("Idempotency-Key", "was used for a different request"))));
    } catch (PaymentsUnavailableException e) {
      throw new ProblemException(Problem.of(503, "payments-not-configured", "Payments not configured", e.getMessage()),
          Map.of("Retry-After", "3600"));
    }
    PaymentTransaction t = submission.transaction();
    ctx.header("Location", TRANSACTIONS + "/" + t.id());
    if (submission.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    ctx.status(202).json(new ReceiptView(t.id(), t.status().wire()));
  }

  private void transaction(Context ctx) {
    UUID id = parseId(ctx.pathParam("id"), "transaction");
    ctx.json(DetailView.of(transactions.transaction(id).orElseThrow(() -> ProblemException.notFound("no transaction " + id))));
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(v -> !v.isBlank());
  }

  private static UUID parseId(String raw, String what) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("no " + what + " " + raw.replaceAll("[^A-Za-z0-9-]", "?"));
    }
  }

  private static TransactionStatus status(String raw) {
    for (TransactionStatus s : TransactionStatus.values()) {
      if (s.wire().equals(raw)) {
        return s;
      }
    }
    throw ProblemException.badParameter("status", "must be one of pending, processing, succeeded, failed, rejected");
  }

  private static int limit(String raw) {
    try {
      int value = Integer.parseInt(raw);
      if (value >= 1 && value <= ListTransactionsQuery.MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ProblemException.badParameter("limit", "must be a whole number from 1 to " + ListTransactionsQuery.MAX_LIMIT);
  }

  private static UUID cursor(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badParameter("cursor", "must be the nextCursor of a previous page");
    }
  }
}
