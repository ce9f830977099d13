package dev.relaybox.application.purchase.port.out;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One line of a purchase's audit trail. {@code kind} is {@code verification}, {@code webhook}, {@code state_change},
 * {@code acknowledgement} or {@code delivery}; {@code subject} is what the line is about when no purchase is known yet
 * (a purchase token, a transaction id, a notification id); {@code outcome} is e.g. {@code verified}, {@code rejected},
 * {@code unavailable}, {@code accepted}, {@code duplicate}, {@code delivered}, {@code failed}.
 */
public record AuditEntry(
    UUID id,
    Optional<UUID> purchaseId,
    String store,
    String subject,
    String kind,
    String outcome,
    String request,
    String response,
    Optional<Long> latencyMillis,
    Optional<UUID> eventId,
    Instant at) {

  public AuditEntry {
    Objects.requireNonNull(id, "id");
    purchaseId = purchaseId == null ? Optional.empty() : purchaseId;
    store = store == null ? "" : store;
    subject = subject == null ? "" : subject;
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    request = request == null ? "" : request;
    response = response == null ? "" : response;
    latencyMillis = latencyMillis == null ? Optional.empty() : latencyMillis;
    eventId = eventId == null ? Optional.empty() : eventId;
    Objects.requireNonNull(at, "at");
  }
}
