package dev.relaybox.application.webhooks;

import dev.relaybox.application.jobs.EventFilter;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A subscriber's URL and the event types it wants. {@code managed} endpoints are configured from the environment (the
 * main backend) and changed only there. A disabled endpoint keeps its deliveries waiting; {@code enabledSince} starts
 * the retry schedule afresh after re-enabling.
 */
public record WebhookEndpoint(
    UUID id,
    Optional<String> name,
    String url,
    String description,
    List<EventFilter> eventTypes,
    String secret,
    boolean managed,
    boolean enabled,
    Instant enabledSince,
    Optional<Instant> disabledAt,
    Optional<String> disabledReason,
    Instant createdAt,
    Instant updatedAt,
    Optional<PreviousSecret> previousSecret) {

  /** The secret a rotation replaced; it still signs, next to the new one, until {@code validUntil}. */
  public record PreviousSecret(String secret, Instant validUntil) {
    public PreviousSecret {
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(validUntil, "validUntil");
    }
  }

  public WebhookEndpoint {
    Objects.requireNonNull(id, "id");
    name = name == null ? Optional.empty() : name;
    Objects.requireNonNull(url, "url");
    description = description == null ? "" : description;
    eventTypes = List.copyOf(eventTypes);
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(enabledSince, "enabledSince");
    disabledAt = disabledAt == null ? Optional.empty() : disabledAt;
    disabledReason = disabledReason == null ? Optional.empty() : disabledReason;
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    previousSecret = previousSecret == null ? Optional.empty() : previousSecret;
  }

  /** The secrets each delivery is signed with now: the current one, and the previous one while its grace lasts. */
  public List<String> signingSecrets(Instant now) {
    return previousSecret.filter(p -> now.isBefore(p.validUntil()))
        .map(p -> List.of(secret, p.secret()))
        .orElse(List.of(secret));
  }

  public boolean wants(String eventType) {
    return eventTypes.stream().anyMatch(f -> f.matches(eventType));
  }

  public WebhookEndpoint changed(String newUrl, String newDescription, List<EventFilter> newTypes, Instant now) {
    return new WebhookEndpoint(id, name, newUrl, newDescription, newTypes, secret, managed, enabled, enabledSince, disabledAt,
        disabledReason, createdAt, now, previousSecret);
  }
}
