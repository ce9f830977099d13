package dev.relaybox.adapters.persistence.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.jobs.FinishedJobTally;
import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.webhooks.DeliveryAttempt;
import dev.relaybox.application.webhooks.WebhookEndpoint;
import dev.relaybox.application.webhooks.port.out.WebhookEndpoints;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Endpoints in {@code outbound_endpoint}, attempts in {@code outbound_delivery}. Enabling and deleting also touch the
 * engine's public job columns ({@code run_at} and {@code state} of {@code available} jobs) of the endpoint's delivery
 * jobs, found by their key prefix, and wake the workers, in the same transaction.
 */
public final class JdbiWebhookEndpoints implements WebhookEndpoints {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private final Jdbi jdbi;
  private final ObjectMapper json;

  public JdbiWebhookEndpoints(Jdbi jdbi, ObjectMapper json) {
    this.jdbi = jdbi;
    this.json = json;
  }

  @Override
  public void add(WebhookEndpoint e) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO outbound_endpoint (id, name, url, description, event_types, secret, managed, enabled, enabled_since, disabled_at,
                                           disabled_reason, created_at, updated_at)
            VALUES (:id, :name, :url, :description, CAST(:eventTypes AS jsonb), :secret, :managed, :enabled, :enabledSince, :disabledAt,
                    :disabledReason, :createdAt, :updatedAt)""")
        .bind("id", e.id())
        .bind("name", e.name().orElse(null))
        .bind("url", e.url())
        .bind("description", e.description())
        .bind("eventTypes", types(e.eventTypes()))
        .bind("secret", e.secret())
        .bind("managed", e.managed())
        .bind("enabled", e.enabled())
        .bind("enabledSince", e.enabledSince())
        .bind("disabledAt", e.disabledAt().orElse(null))
        .bind("disabledReason", e.disabledReason().orElse(null))
        .bind("createdAt", e.createdAt())
        .bind("updatedAt", e.updatedAt())
        .execute());
  }

  @Override
  public Optional<WebhookEndpoint> find(UUID id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbound_endpoint WHERE id = :id").bind("id", id)
        .map((rs, ctx) -> endpoint(rs)).findOne());
  }

  @Override
  public Optional<WebhookEndpoint> findByName(String name) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbound_endpoint WHERE name = :name").bind("name", name)
        .map((rs, ctx) -> endpoint(rs)).findOne());
  }

  @Override
  public List<WebhookEndpoint> all() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbound_endpoint ORDER BY created_at, id").map((rs, ctx) -> endpoint(rs)).list());
  }

  @Override
  public void update(WebhookEndpoint e) {
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE outbound_endpoint SET url = :url, description = :description, event_types = CAST(:eventTypes AS jsonb),
                   secret = :secret, updated_at = :updatedAt
            WHERE id = :id""")
        .bind("id", e.id())
        .bind("url", e.url())
        .bind("description", e.description())
        .bind("eventTypes", types(e.eventTypes()))
        .bind("secret", e.secret())
        .bind("updatedAt", e.updatedAt())
        .execute());
  }

  @Override
  public boolean delete(UUID id, String deliverySubscription, Instant at) {
    return jdbi.inTransaction(h -> {
      h.createQuery("""
              WITH cancelled AS (
                UPDATE job SET state = 'cancelled', finished_at = :at
                WHERE subscription = :subscription AND state = 'available' AND job_key LIKE :prefix
                RETURNING subscription),
              %s
              SELECT count(*) FROM cancelled""".formatted(FinishedJobTally.counted("cancelled", "cancelled", 1)))
          .bind("subscription", deliverySubscription)
          .bind("prefix", id + "|%")
          .bind("at", at)
          .mapTo(Long.class)
          .one();
      return h.createUpdate("DELETE FROM outbound_endpoint WHERE id = :id").bind("id", id).execute() == 1;
    });
  }

  @Override
  public void rotateSecret(UUID id, String secret, Instant previousValidUntil, Instant at) {
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE outbound_endpoint SET previous_secret = secret, previous_secret_until = :until, secret = :secret, updated_at = :at
            WHERE id = :id""")
        .bind("id", id)
        .bind("secret", secret)
        .bind("until", previousValidUntil)
        .bind("at", at)
        .execute());
  }

  @Override
  public boolean disable(UUID id, String reason, Instant at) {
    return jdbi.withHandle(h -> h.createUpdate("""
            UPDATE outbound_endpoint SET enabled = false, disabled_at = :at, disabled_reason = :reason, updated_at = :at
            WHERE id = :id AND enabled""")
        .bind("id", id)
        .bind("reason", reason)
        .bind("at", at)
        .execute() == 1);
  }

  @Override
  public int enable(UUID id, String deliverySubscription, String jobKeyPrefix, Instant at) {
    return jdbi.inTransaction(h -> {
      h.createUpdate("""
              UPDATE outbound_endpoint SET enabled = true, enabled_since = :at, disabled_at = NULL, disabled_reason = NULL, updated_at = :at
              WHERE id = :id AND NOT enabled""")
          .bind("id", id)
          .bind("at", at)
          .execute();
      int woken = h.createUpdate("""
              UPDATE job SET run_at = :at
              WHERE subscription = :subscription AND state = 'available' AND run_at > :at AND job_key LIKE :prefix""")
          .bind("subscription", deliverySubscription)
          .bind("prefix", jobKeyPrefix.replace("%", "\\%").replace("_", "\\_") + "%")
          .bind("at", at)
          .execute();
      h.createQuery("SELECT pg_notify('relaybox_jobs', :subscription)").bind("subscription", deliverySubscription).mapTo(String.class).one();
      return woken;
    });
  }

  /**
   * Records the attempt unless its endpoint is gone. The endpoint's row is locked ({@code FOR KEY SHARE}, as the
   * foreign key's own check would) while it is looked at: a delete running at the same moment either waits for this
   * insert and then removes it with the endpoint, or commits first and the look finds nothing. A plain look let the
   * insert's foreign-key check meet a delete that committed in between (SQLSTATE 23503 in the log, the job retried).
   */
  @Override
  public void record(DeliveryAttempt a) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO outbound_delivery (id, endpoint_id, event_id, event_type, event_key, attempt, status, succeeded, summary, latency_ms, at)
            SELECT :id, :endpointId, :eventId, :eventType, :eventKey, :attempt, :status, :succeeded, :summary, :latency, :at
            WHERE EXISTS (SELECT 1 FROM outbound_endpoint WHERE id = :endpointId FOR KEY SHARE)""")
        .bind("id", a.id())
        .bind("endpointId", a.endpointId())
        .bind("eventId", a.eventId())
        .bind("eventType", a.eventType())
        .bind("eventKey", a.eventKey().orElse(null))
        .bind("attempt", a.attempt())
        .bind("status", a.status())
        .bind("succeeded", a.succeeded())
        .bind("summary", a.summary().length() > 500 ? a.summary().substring(0, 500) : a.summary())
        .bind("latency", a.latencyMillis())
        .bind("at", a.at())
        .execute());
  }

  @Override
  public int failuresSince(UUID endpointId, UUID eventId, Instant since) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT count(*) FROM outbound_delivery
            WHERE endpoint_id = :endpointId AND event_id = :eventId AND NOT succeeded AND at >= :since""")
        .bind("endpointId", endpointId)
        .bind("eventId", eventId)
        .bind("since", since)
        .mapTo(Integer.class)
        .one());
  }

  @Override
  public List<DeliveryAttempt> attempts(UUID endpointId, boolean failedOnly, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM outbound_delivery WHERE endpoint_id = :endpointId"
            + (failedOnly ? " AND NOT succeeded" : "") + " ORDER BY at DESC, id DESC LIMIT :limit")
        .bind("endpointId", endpointId)
        .bind("limit", limit)
        .map((rs, ctx) -> new DeliveryAttempt(rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class),
            rs.getObject("event_id", UUID.class), rs.getString("event_type"), Optional.ofNullable(rs.getString("event_key")),
            rs.getInt("attempt"), rs.getInt("status"), rs.getBoolean("succeeded"), rs.getString("summary"), rs.getLong("latency_ms"),
            instant(rs, "at")))
        .list());
  }

  @Override
  public Health health(UUID endpointId, String deliverySubscription, String jobKeyPrefix, Instant now) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT count(*) FILTER (WHERE at >= :dayAgo) AS attempts,
                   count(*) FILTER (WHERE at >= :dayAgo AND NOT succeeded) AS failures,
                   max(at) FILTER (WHERE succeeded) AS last_success,
                   max(at) FILTER (WHERE NOT succeeded) AS last_failure,
                   (SELECT count(*) FROM job WHERE subscription = :subscription AND state IN ('available', 'running')
                      AND job_key LIKE :prefix) AS waiting
            FROM outbound_delivery WHERE endpoint_id = :endpointId""")
        .bind("endpointId", endpointId)
        .bind("dayAgo", now.minus(Duration.ofDays(1)))
        .bind("subscription", deliverySubscription)
        .bind("prefix", jobKeyPrefix + "%")
        .map((rs, ctx) -> new Health(rs.getInt("attempts"), rs.getInt("failures"), optionalInstant(rs, "last_success"),
            optionalInstant(rs, "last_failure"), rs.getLong("waiting")))
        .one());
  }

  private String types(List<EventFilter> filters) {
    try {
      return json.writeValueAsString(filters.stream().map(EventFilter::pattern).toList());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private WebhookEndpoint endpoint(ResultSet rs) throws SQLException {
    List<EventFilter> filters;
    try {
      filters = json.readValue(rs.getString("event_types"), STRINGS).stream().map(EventFilter::new).toList();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return new WebhookEndpoint(rs.getObject("id", UUID.class), Optional.ofNullable(rs.getString("name")), rs.getString("url"),
        rs.getString("description"), filters, rs.getString("secret"), rs.getBoolean("managed"), rs.getBoolean("enabled"),
        instant(rs, "enabled_since"), optionalInstant(rs, "disabled_at"), Optional.ofNullable(rs.getString("disabled_reason")),
        instant(rs, "created_at"), instant(rs, "updated_at"), previousSecret(rs));
  }

  private static Optional<WebhookEndpoint.PreviousSecret> previousSecret(ResultSet rs) throws SQLException {
    String secret = rs.getString("previous_secret");
    Optional<Instant> until = optionalInstant(rs, "previous_secret_until");
    return secret == null || until.isEmpty() ? Optional.empty() : Optional.of(new WebhookEndpoint.PreviousSecret(secret, until.get()));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
  }

  /**
   * Moves the unfinished jobs of a subscription that delivered events to one URL before webhook endpoints existed
   * ({@code purchase.backend}) onto the endpoint's delivery jobs, keeping their order, and retires the subscription so
   * the relay stops feeding it. Idempotent; run at start. @return how many deliveries were adopted
   */
  public int adoptLegacyDeliveries(String legacySubscription, UUID endpointId, String deliverySubscription, Instant at) {
    return jdbi.inTransaction(h -> {
      h.createUpdate("DELETE FROM job_subscription WHERE name = :legacy").bind("legacy", legacySubscription).execute();
      int adopted = h.createUpdate("""
              INSERT INTO job (subscription, seq, job_key, dedupe_key, payload, headers, state, run_at, created_at)
              SELECT :delivery, j.seq, :prefix || coalesce(j.job_key, j.event_id::text), :prefix || j.event_id::text, j.payload,
                     jsonb_strip_nulls(jsonb_build_object('endpointId', :endpointId, 'eventId', j.event_id::text,
                       'eventType', j.event_type, 'eventKey', j.job_key, 'correlationId', j.headers ->> 'correlationId',
                       'occurredAt', to_char(coalesce(o.created_at, j.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))),
                     'available', :at, :at
              FROM job j LEFT JOIN outbox_event o ON o.event_id = j.event_id
              WHERE j.subscription = :legacy AND j.state IN ('available', 'running') AND j.event_id IS NOT NULL
              ORDER BY j.seq
              ON CONFLICT (subscription, dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('available', 'running') DO NOTHING""")
          .bind("delivery", deliverySubscription)
          .bind("prefix", endpointId + "|")
          .bind("endpointId", endpointId.toString())
          .bind("legacy", legacySubscription)
          .bind("at", at)
          .execute();
      h.createQuery("""
              WITH cancelled AS (
                UPDATE job SET state = 'cancelled', finished_at = :at, lease_owner = NULL, lease_until = NULL
                WHERE subscription = :legacy AND state IN ('available', 'running')
                RETURNING subscription),
              %s
              SELECT count(*) FROM cancelled""".formatted(FinishedJobTally.counted("cancelled", "cancelled", 1)))
          .bind("legacy", legacySubscription)
          .bind("at", at)
          .mapTo(Long.class)
          .one();
      return adopted;
    });
  }
}
