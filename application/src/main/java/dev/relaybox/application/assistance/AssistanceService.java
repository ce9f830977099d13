package dev.relaybox.application.assistance;

import dev.relaybox.application.assistance.port.in.AssistanceReceipt;
import dev.relaybox.application.assistance.port.in.GetAssistanceRequestUseCase;
import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase;
import dev.relaybox.application.assistance.port.in.RequestAssistanceCommand;
import dev.relaybox.application.assistance.port.in.RequestAssistanceUseCase;
import dev.relaybox.application.assistance.port.out.AssistanceRequests;
import dev.relaybox.application.assistance.port.out.IdempotencyKeys;
import dev.relaybox.application.jobs.port.out.Outbox;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.application.jobs.port.out.Payloads;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.assistance.AssistanceRequest;
import dev.relaybox.domain.assistance.AssistanceStatus;
import dev.relaybox.domain.assistance.AssistanceRequested;
import dev.relaybox.domain.shared.Fingerprint;
import dev.relaybox.domain.shared.TimeOrderedIds;
import dev.relaybox.domain.shared.ValidationException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/** Intake and status of assistance requests. */
public final class AssistanceService
    implements RequestAssistanceUseCase, GetAssistanceRequestUseCase, ListAssistanceRequestsUseCase {
  static final String IDEMPOTENCY_SCOPE = "assistance";

  private final UnitOfWork unitOfWork;
  private final AssistanceRequests requests;
  private final IdempotencyKeys idempotencyKeys;
  private final Outbox outbox;
  private final Payloads payloads;
  private final RoutingTable routing;
  private final TimeOrderedIds ids;
  private final Clock clock;

  public AssistanceService(UnitOfWork unitOfWork, AssistanceRequests requests, IdempotencyKeys idempotencyKeys, Outbox outbox,
      Payloads payloads, RoutingTable routing, TimeOrderedIds ids, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.requests = requests;
    this.idempotencyKeys = idempotencyKeys;
    this.outbox = outbox;
    this.payloads = payloads;
    this.routing = routing;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public AssistanceReceipt request(RequestAssistanceCommand command) {
    if (routing.channelsFor(command.topic()).isEmpty()) {
      throw ValidationException.of("topic", "unknown topic '" + command.topic() + "'; known topics: " + routing.topics());
    }
    UUID id = ids.next();
    Instant now = clock.instant();
    Supplier<AssistanceReceipt> work = () -> {
      if (command.idempotencyKey().isPresent()) {
        byte[] fingerprint = fingerprint(command);
        Optional<IdempotencyKeys.Use> earlier = idempotencyKeys.reserve(
            command.caller().isEmpty() ? IDEMPOTENCY_SCOPE : IDEMPOTENCY_SCOPE + ":" + command.caller(),
            command.idempotencyKey().get(), fingerprint, id);
        if (earlier.isPresent()) {
          return replay(earlier.get(), command, fingerprint);
        }
      }
      AssistanceRequest request = AssistanceRequest.received(id, command.topic(), command.description(), command.metadataJson(),
          now, command.correlationId());
      requests.add(request);
      outbox.publish(new OutboxEvent(ids.next(), AssistanceRequested.TYPE, id.toString(),
          payloads.write(new RequestedData(id, command.topic().value())), headers(command)));
      return new AssistanceReceipt(id, request.status(), request.topic(), false);
    };
    return command.idempotencyKey().isPresent()
        ? unitOfWork.inTransactionOrderedBy(IDEMPOTENCY_SCOPE + ":" + command.idempotencyKey().get(), work)
        : unitOfWork.inTransaction(work);
  }

  /** The data of an {@code assistance.requested} event. */
  record RequestedData(UUID requestId, String topic) {}

  private static Map<String, String> headers(RequestAssistanceCommand command) {
    return command.traceparent().isEmpty()
        ? Map.of(OutboxEvent.CORRELATION_HEADER, command.correlationId())
        : Map.of(OutboxEvent.CORRELATION_HEADER, command.correlationId(), OutboxEvent.TRACEPARENT_HEADER, command.traceparent());
  }

  private AssistanceReceipt replay(IdempotencyKeys.Use earlier, RequestAssistanceCommand command, byte[] fingerprint) {
    AssistanceRequest existing = requests.find(earlier.resourceId())
        .orElseThrow(() -> new IllegalStateException("idempotency key points at missing request " + earlier.resourceId()));
    if (!MessageDigest.isEqual(earlier.fingerprint(), fingerprint) && !sameRequest(existing, command)) {
      throw ValidationException.of("Idempotency-Key", "was already used with a different request body");
    }
    // The first answer again, byte for byte: the receipt of intake says pending, whatever happened since.
    return new AssistanceReceipt(existing.id(), AssistanceStatus.PENDING, existing.topic(), true);
  }

  /**
   * The fingerprint hashes the metadata as the client ordered its members; a retry that orders them differently is the
   * same request, so a fingerprint that differs is settled against the stored request, by JSON value.
   */
  private boolean sameRequest(AssistanceRequest existing, RequestAssistanceCommand command) {
    return existing.topic().equals(command.topic()) && existing.description().equals(command.description())
        && requests.hasMetadata(existing.id(), command.metadataJson());
  }

  @Override
  public Optional<AssistanceRequest> get(UUID id) {
    return requests.find(id);
  }

  @Override
  public AssistancePage list(ListAssistanceRequestsQuery query) {
    return requests.list(query);
  }

  private static byte[] fingerprint(RequestAssistanceCommand command) {
    return Fingerprint.of(List.of(command.topic().value(), command.description().value(), command.metadataJson()));
  }
}
