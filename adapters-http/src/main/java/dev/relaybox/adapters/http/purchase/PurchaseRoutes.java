package dev.relaybox.adapters.http.purchase;

import dev.relaybox.adapters.http.shared.LookupIds;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relaybox.adapters.http.shared.JsonBodies;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.adapters.http.shared.RouteModule;
import dev.relaybox.application.purchase.port.in.GetPurchaseUseCase;
import dev.relaybox.application.purchase.port.in.VerifyApplePurchaseCommand;
import dev.relaybox.application.purchase.port.in.VerifyGooglePurchaseCommand;
import dev.relaybox.application.purchase.port.in.VerifyPurchaseUseCase;
import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.domain.purchase.Purchase;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /v1/purchases}: synchronous verification with Google Play and the App Store (200 with the purchase), the
 * purchase's current state and its audit trail.
 */
public final class PurchaseRoutes implements RouteModule {
  private static final String BASE = "/v1/purchases";

  private final VerifyPurchaseUseCase verify;
  private final GetPurchaseUseCase lookup;
  private final JsonBodies bodies;

  public PurchaseRoutes(VerifyPurchaseUseCase verify, GetPurchaseUseCase lookup, JsonBodies bodies) {
    this.verify = verify;
    this.lookup = lookup;
    this.bodies = bodies;
  }

  record GoogleBody(String packageName, String productId, String purchaseToken, String type, String userId) {}

  record AppleBody(String signedTransaction, String transactionId, String userId) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record PurchaseView(UUID id, String store, String environment, String userId, String appAccountToken, String productId, String kind,
      String state, String stateReason, String transactionId, String originalTransactionId, Instant purchasedAt, Instant expiresAt,
      Long amountMicros, String currency, boolean acknowledged, Instant createdAt, Instant updatedAt) {
    static PurchaseView of(Purchase p) {
      return new PurchaseView(p.id(), p.store().wire(), p.environment(), p.userId().orElse(null), p.appAccountToken().orElse(null),
          p.productId(), p.kind().wire(), p.state().wire(), p.stateReason().orElse(null), emptyAsNull(p.transactionId()), emptyAsNull(p.originalTransactionId()),
          p.purchasedAt().orElse(null), p.expiresAt().orElse(null), p.amountMicros().orElse(null), p.currency().orElse(null),
          p.acknowledged(), p.createdAt(), p.updatedAt());
    }

    /** A missing value is null in the API, never an empty string. */
    private static String emptyAsNull(String value) {
      return value == null || value.isEmpty() ? null : value;
    }
  }

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record AuditView(UUID id, Instant at, String kind, String outcome, String store, String subject, String request, String response,
      Long latencyMs, UUID eventId) {
    static AuditView of(AuditEntry e) {
      return new AuditView(e.id(), e.at(), e.kind(), e.outcome(), e.store(), e.subject(), e.request(), e.response(),
          e.latencyMillis().orElse(null), e.eventId().orElse(null));
    }
  }

  record HistoryView(UUID purchaseId, List<AuditView> entries) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(BASE + "/google", this::google);
    routes.post(BASE + "/apple", this::apple);
    routes.get(BASE + "/{id}", this::get);
    routes.get(BASE + "/{id}/history", this::history);
  }

  private void google(Context ctx) {
    GoogleBody body = bodies.read(ctx, GoogleBody.class);
    var command = VerifyGooglePurchaseCommand.of(body.packageName(), body.productId(), body.purchaseToken(), body.type(), body.userId());
    respond(ctx, PurchaseProblems.mapped(422, () -> verify.verifyGoogle(command)));
  }

  private void apple(Context ctx) {
    AppleBody body = bodies.read(ctx, AppleBody.class);
    var command = VerifyApplePurchaseCommand.of(body.signedTransaction(), body.transactionId(), body.userId());
    respond(ctx, PurchaseProblems.mapped(422, () -> verify.verifyApple(command)));
  }

  private void respond(Context ctx, Purchase purchase) {
    ctx.header("Location", BASE + "/" + purchase.id());
    ctx.status(200).json(PurchaseView.of(purchase));
  }

  record PurchaseWithHistory(PurchaseView purchase, List<AuditView> history) {}

  /** The purchase with its audit trail, for the operators' look-up; empty when {@code id} is not a purchase id. */
  public Optional<Object> find(String id) {
    return LookupIds.uuid(id).flatMap(uuid -> lookup.get(uuid).map(p -> new PurchaseWithHistory(PurchaseView.of(p),
        lookup.history(uuid).orElse(List.of()).stream().map(AuditView::of).toList())));
  }

  private void get(Context ctx) {
    UUID id = parseId(ctx.pathParam("id"));
    ctx.json(PurchaseView.of(lookup.get(id).orElseThrow(() -> ProblemException.notFound("no purchase " + id))));
  }

  private void history(Context ctx) {
    UUID id = parseId(ctx.pathParam("id"));
    List<AuditEntry> entries = lookup.history(id).orElseThrow(() -> ProblemException.notFound("no purchase " + id));
    ctx.json(new HistoryView(id, entries.stream().map(AuditView::of).toList()));
  }

  private static UUID parseId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("no purchase " + raw.replaceAll("[^A-Za-z0-9-]", "?"));
    }
  }
}
