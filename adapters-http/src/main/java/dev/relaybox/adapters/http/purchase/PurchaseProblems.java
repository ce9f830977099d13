package dev.relaybox.adapters.http.purchase;

import dev.relaybox.adapters.http.shared.Problem;
import dev.relaybox.adapters.http.shared.ProblemException;
import dev.relaybox.application.purchase.port.in.PurchaseConflictException;
import dev.relaybox.application.purchase.port.in.PurchaseRejectedException;
import dev.relaybox.application.purchase.port.in.StoreNotConfiguredException;
import dev.relaybox.application.purchase.port.in.StoreUnavailableException;
import java.util.Map;
import java.util.function.Supplier;

/** Turns the purchase use cases' exceptions into problems. */
final class PurchaseProblems {
  private PurchaseProblems() {}

  /** {@code rejectedStatus}: 422 for an API caller's purchase, 401 for a webhook whose signature is bad. */
  static <T> T mapped(int rejectedStatus, Supplier<T> call) {
    try {
      return call.get();
    } catch (StoreNotConfiguredException e) {
      throw new ProblemException(Problem.of(503, "store-not-configured", "Store not configured", e.getMessage()),
          Map.of("Retry-After", "3600"));
    } catch (StoreUnavailableException e) {
      throw new ProblemException(Problem.of(503, "store-unavailable", "Store unavailable", e.getMessage()),
          Map.of("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds()))));
    } catch (PurchaseRejectedException e) {
      if (rejectedStatus == 401) {
        throw new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", "the notification failed verification: " + e.getMessage()));
      }
      throw new ProblemException(Problem.of(422, "purchase-rejected", "Purchase rejected", e.getMessage()));
    } catch (PurchaseConflictException e) {
      throw new ProblemException(Problem.of(409, "purchase-conflict", "Conflict", e.getMessage()));
    }
  }
}
