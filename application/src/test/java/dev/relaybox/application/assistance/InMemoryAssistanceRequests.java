package dev.relaybox.application.assistance;

import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.AssistancePage;
import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.ListAssistanceRequestsQuery;
import dev.relaybox.application.assistance.port.out.AssistanceRequests;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.domain.assistance.AssistanceRequest;
import dev.relaybox.domain.assistance.AssistanceStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An in-memory fake of the repository port, following the same state rules as the SQL one; its writes join the
 * {@link InMemoryTransactions} open on the calling thread, and fail outside one, like the SQL repository's.
 */
final class InMemoryAssistanceRequests implements AssistanceRequests {
  final Map<UUID, AssistanceRequest> rows = new ConcurrentHashMap<>();
  private final InMemoryTransactions transactions;
  private final Predicate<JobRef> leaseHeld;

  InMemoryAssistanceRequests(InMemoryTransactions transactions, Predicate<JobRef> leaseHeld) {
    this.transactions = transactions;
    this.leaseHeld = leaseHeld;
  }

  @Override
  public void add(AssistanceRequest request) {
    write("add", request.id(), () -> rows.put(request.id(), request));
  }

  @Override
  public Optional<AssistanceRequest> find(UUID id) {
    return Optional.ofNullable(rows.get(id));
  }

  /** Compares the text: this fake has no JSON parser, so member order counts here (the SQL repository's does not). */
  @Override
  public boolean hasMetadata(UUID id, String metadataJson) {
    return find(id).map(r -> r.metadataJson().equals(metadataJson)).orElse(false);
  }

  @Override
  public Optional<AssistanceRequest> findWhileHeld(UUID id, JobRef lease) {
    Optional<AssistanceRequest> found = find(id);
    if (found.isPresent() && !leaseHeld.test(lease)) {
      throw new LeaseLostException(lease, "ensureHeld");
    }
    return found;
  }

  @Override
  public AssistancePage list(ListAssistanceRequestsQuery query) {
    var page = rows.values().stream().sorted(Comparator.comparing(AssistanceRequest::id).reversed()).limit(query.limit()).toList();
    return new AssistancePage(page, Optional.empty());
  }

  @Override
  public void recordFailedAttempt(UUID id, String error) {
    pending("recordFailedAttempt", id, r -> copy(r, r.status(), r.channel(), r.attempts() + 1, r.routeIndex(), r.channelAttempts() + 1, r.deliveredAt(), error));
  }

  @Override
  public void moveToChannel(UUID id, int routeIndex, String error) {
    pending("moveToChannel", id, r -> copy(r, r.status(), r.channel(), r.attempts() + 1, routeIndex, 0, r.deliveredAt(), error));
  }

  @Override
  public void markDelivered(UUID id, String channel, Instant at) {
    pending("markDelivered", id, r -> copy(r, AssistanceStatus.DELIVERED, Optional.of(channel), r.attempts() + 1, r.routeIndex(), r.channelAttempts(),
        Optional.of(at), r.lastError().orElse(null)));
  }

  @Override
  public void markFailed(UUID id, String error) {
    pending("markFailed", id, r -> copy(r, AssistanceStatus.FAILED, r.channel(), r.attempts() + 1, r.routeIndex(), r.channelAttempts(), r.deliveredAt(), error));
  }

  @Override
  public void markAbandoned(UUID id, String reason) {
    pending("markAbandoned", id, r -> copy(r, AssistanceStatus.FAILED, r.channel(), r.attempts(), r.routeIndex(), r.channelAttempts(), r.deliveredAt(), reason));
  }

  @Override
  public void restart(UUID id, JobRef lease) {
    write("restart", id, () -> rows.computeIfPresent(id, (k, r) -> r.isFailed()
        ? copy(r, AssistanceStatus.PENDING, r.channel(), r.attempts(), 0, 0, r.deliveredAt(), r.lastError().orElse(null))
        : r));
  }

  private void pending(String what, UUID id, UnaryOperator<AssistanceRequest> change) {
    write(what, id, () -> rows.computeIfPresent(id, (k, r) -> r.status() == AssistanceStatus.PENDING ? change.apply(r) : r));
  }

  private void write(String what, UUID id, Runnable change) {
    AssistanceRequest before = rows.get(id);
    transactions.write(what, () -> {
      if (before == null) {
        rows.remove(id);
      } else {
        rows.put(id, before);
      }
    });
    change.run();
  }

  private static AssistanceRequest copy(AssistanceRequest r, AssistanceStatus status, Optional<String> channel, int attempts,
      int routeIndex, int channelAttempts, Optional<Instant> deliveredAt, String error) {
    return new AssistanceRequest(r.id(), r.topic(), r.description(), r.metadataJson(), status, channel, attempts, routeIndex,
        channelAttempts, r.createdAt(), deliveredAt, Optional.ofNullable(error), r.correlationId());
  }
}
