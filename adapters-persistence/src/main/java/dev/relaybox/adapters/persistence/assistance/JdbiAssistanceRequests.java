package dev.relaybox.adapters.persistence.assistance;

import dev.relaybox.adapters.persistence.jobs.LeaseCheck;
import dev.relaybox.adapters.persistence.shared.CoalescedReads;
import dev.relaybox.adapters.persistence.shared.JdbcStatements;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.adapters.persistence.shared.KeysetPage;
import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.AssistancePage;
import dev.relaybox.application.assistance.port.in.ListAssistanceRequestsUseCase.ListAssistanceRequestsQuery;
import dev.relaybox.application.assistance.port.out.AssistanceRequests;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.domain.assistance.AssistanceRequest;
import dev.relaybox.domain.assistance.AssistanceStatus;
import dev.relaybox.domain.assistance.Description;
import dev.relaybox.domain.assistance.Topic;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Writes join the caller's transaction; a look-up inside one sees its rows; reads outside one use a short-lived handle. */
public final class JdbiAssistanceRequests implements AssistanceRequests {
  private static final String COLUMNS = """
      id, topic, description, metadata::text AS metadata, status, channel, attempts, route_index, channel_attempts,
      created_at, delivered_at, last_error, correlation_id""";
  /** Parameters: the lease's job id and token (the lease check comes first), then the request's id. */
  private static final String FIND_WHILE_HELD = "SELECT " + COLUMNS + ", " + LeaseCheck.HELD_POSITIONAL
      + " AS held FROM assistance_request WHERE id = ?";

  /**
   * {@link #FIND_WHILE_HELD} for many leases at once, through assistance_requests_while_held (V84), which joins the ids
   * to the requests with sequential scans off: planned from the statistics of the moment, the join hash-joined them to a
   * sequential scan of the whole table while the statistics still described it as small; then (sequential scans off
   * only make a plan expensive) merge-joined them to a walk of the whole primary key. Since V88 each lease is a lateral
   * subquery the planner cannot flatten, so the read probes the primary keys once per lease whatever it planned.
   */
  private static final String FIND_ALL_WHILE_HELD =
      "SELECT t.ordinal, t.held, (t.request).* FROM assistance_requests_while_held(?, ?, ?) AS t";
  /** As many as a claim starts at once, so one claim's deliveries are usually read together. */
  private static final int MAX_LEASES_PER_READ = 256;

  private final JdbiUnitOfWork unitOfWork;
  private final Jdbi jdbi;
  private final CoalescedReads<HeldLookup, Held> heldReads;

  public JdbiAssistanceRequests(JdbiUnitOfWork unitOfWork, Jdbi jdbi) {
    this.unitOfWork = unitOfWork;
    this.jdbi = jdbi;
    this.heldReads = new CoalescedReads<>(this::findAllWhileHeld, MAX_LEASES_PER_READ);
  }

  private record HeldLookup(UUID id, JobRef lease) {}

  private record Held(AssistanceRequest request, boolean held) {}

  @Override
  public void add(AssistanceRequest r) {
    unitOfWork.write("AssistanceRequests.add", """
            INSERT INTO assistance_request (id, topic, description, metadata, status, created_at, correlation_id)
            VALUES (?, ?, ?, CAST(? AS jsonb), ?, ?, ?)""",
        r.id(), r.topic().value(), r.description().value(), r.metadataJson(), r.status().wire(), r.createdAt(),
        r.correlationId());
  }

  @Override
  public Optional<AssistanceRequest> find(UUID id) {
    return unitOfWork.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM assistance_request WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> request(rs))
        .findOne());
  }

  @Override
  public boolean hasMetadata(UUID id, String metadataJson) {
    // jsonb equality: members compared by name whatever their order, numbers by value.
    return unitOfWork.read(h -> h.createQuery("SELECT metadata = CAST(:metadata AS jsonb) FROM assistance_request WHERE id = :id")
        .bind("metadata", metadataJson)
        .bind("id", id)
        .mapTo(Boolean.class)
        .findOne()
        .orElse(false));
  }

  @Override
  public Optional<AssistanceRequest> findWhileHeld(UUID id, JobRef lease) {
    // Inside a transaction the read must see its uncommitted rows, so it runs there; outside one (every delivery's
    // first read) it joins the reads of the deliveries started with it.
    Optional<Held> found = unitOfWork.inTransactionOnThisThread()
        ? unitOfWork.read(h -> JdbcStatements.queryFirst(h, FIND_WHILE_HELD,
            JdbiAssistanceRequests::held, lease.id(), lease.token(), id))
        : heldReads.read(new HeldLookup(id, lease));
    if (found.isPresent() && !found.get().held()) {
      throw new LeaseLostException(lease, "ensureHeld");
    }
    return found.map(Held::request);
  }

  private List<Optional<Held>> findAllWhileHeld(List<HeldLookup> lookups) {
    UUID[] ids = lookups.stream().map(HeldLookup::id).toArray(UUID[]::new);
    Long[] jobIds = lookups.stream().map(lookup -> lookup.lease().id()).toArray(Long[]::new);
    Long[] tokens = lookups.stream().map(lookup -> lookup.lease().token()).toArray(Long[]::new);
    List<Optional<Held>> found = new ArrayList<>(Collections.nCopies(lookups.size(), Optional.empty()));
    jdbi.useHandle(h -> JdbcStatements.queryEach(h, FIND_ALL_WHILE_HELD,
        rs -> found.set(rs.getInt("ordinal") - 1, Optional.of(held(rs))),
        ids, jobIds, tokens));
    return found;
  }

  @Override
  public AssistancePage list(ListAssistanceRequestsQuery query) {
    List<AssistanceRequest> rows = jdbi.withHandle(h -> h.createQuery("""
            SELECT %s FROM assistance_request
            WHERE (CAST(:status AS text) IS NULL OR status = :status)
              AND (CAST(:topic AS text) IS NULL OR topic = :topic)
              AND (CAST(:before AS uuid) IS NULL OR id < :before)
            ORDER BY id DESC
            LIMIT :limit""".formatted(COLUMNS))
        .bind("status", query.status().map(AssistanceStatus::wire).orElse(null))
        .bind("topic", query.topic().map(Topic::value).orElse(null))
        .bind("before", query.before().orElse(null))
        .bind("limit", query.limit() + 1)
        .map((rs, ctx) -> request(rs))
        .list());
    var page = KeysetPage.of(rows, query.limit(), AssistanceRequest::id);
    return new AssistancePage(page.rows(), page.next());
  }

  @Override
  public void recordFailedAttempt(UUID id, String error) {
    update("recordFailedAttempt", """
        UPDATE assistance_request SET attempts = attempts + 1, channel_attempts = channel_attempts + 1, last_error = :error
        WHERE id = :id AND status = 'pending'""", id, error);
  }

  @Override
  public void moveToChannel(UUID id, int routeIndex, String error) {
    handle("moveToChannel").createUpdate("""
            UPDATE assistance_request SET attempts = attempts + 1, route_index = :routeIndex, channel_attempts = 0, last_error = :error
            WHERE id = :id AND status = 'pending'""")
        .bind("id", id)
        .bind("routeIndex", routeIndex)
        .bind("error", error)
        .execute();
  }

  @Override
  public void markDelivered(UUID id, String channel, Instant at) {
    unitOfWork.write("AssistanceRequests.markDelivered", """
            UPDATE assistance_request SET status = 'delivered', channel = ?, delivered_at = ?, attempts = attempts + 1
            WHERE id = ? AND status = 'pending'""", channel, at, id);
  }

  @Override
  public void markFailed(UUID id, String error) {
    update("markFailed", """
        UPDATE assistance_request SET status = 'failed', attempts = attempts + 1, last_error = :error
        WHERE id = :id AND status = 'pending'""", id, error);
  }

  @Override
  public void markAbandoned(UUID id, String reason) {
    lock("markAbandoned", id);
    update("markAbandoned", """
        UPDATE assistance_request SET status = 'failed', last_error = :error
        WHERE id = :id AND status = 'pending'""", id, reason);
  }

  @Override
  public void restart(UUID id, JobRef lease) {
    // The lease is tested by the statement after the lock, so it sees a cancel that committed while this waited.
    lock("restart", id);
    LeaseCheck.bind(handle("restart").createUpdate("""
            UPDATE assistance_request SET status = 'pending', route_index = 0, channel_attempts = 0
            WHERE id = :id AND status = 'failed' AND\s""" + LeaseCheck.HELD), lease)
        .bind("id", id)
        .execute();
  }

  private void lock(String caller, UUID id) {
    handle(caller).createQuery("SELECT id FROM assistance_request WHERE id = :id FOR UPDATE")
        .bind("id", id)
        .mapTo(UUID.class)
        .findOne();
  }

  private void update(String caller, String sql, UUID id, String error) {
    handle(caller).createUpdate(sql).bind("id", id).bind("error", error).execute();
  }

  private Handle handle(String caller) {
    return unitOfWork.currentHandle("AssistanceRequests." + caller);
  }

  /** A request row read together with its lease test (a column named {@code held}). */
  private static Held held(ResultSet rs) throws SQLException {
    return new Held(request(rs), rs.getBoolean("held"));
  }

  private static AssistanceRequest request(ResultSet rs) throws SQLException {
    return new AssistanceRequest(
        rs.getObject("id", UUID.class),
        new Topic(rs.getString("topic")),
        new Description(rs.getString("description")),
        rs.getString("metadata"),
        AssistanceStatus.fromWire(rs.getString("status")),
        Optional.ofNullable(rs.getString("channel")),
        rs.getInt("attempts"),
        rs.getInt("route_index"),
        rs.getInt("channel_attempts"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        Optional.ofNullable(rs.getObject("delivered_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
        Optional.ofNullable(rs.getString("last_error")),
        rs.getString("correlation_id"));
  }
}
