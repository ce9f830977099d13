package dev.relaybox.application.purchase;

import dev.relaybox.application.purchase.port.out.AuditEntry;
import dev.relaybox.application.purchase.port.out.BackendEndpoints;
import dev.relaybox.application.purchase.port.out.BackendEndpoints.EndpointState;
import dev.relaybox.application.purchase.port.out.BackendWebhook;
import dev.relaybox.application.purchase.port.out.PurchaseAudit;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.EventFilter;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.Jobs;
import dev.relaybox.application.jobs.port.out.UnitOfWork;
import dev.relaybox.domain.shared.TimeOrderedIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers every {@code purchase.*} event to the main backend, in order per user (FIFO per key, the key being the
 * user id), signed with {@code webhook-id} = the event id so the backend can deduplicate. Failures follow
 * {@link BackendRetrySchedule}; a 410, or running out of the schedule, disables the endpoint. While it is disabled
 * (or not configured) deliveries wait rather than die, so nothing is lost; re-enabling it redelivers the backlog.
 * Every attempt is a {@code delivery} line in the purchase's audit trail.
 */
public final class DeliverPurchaseEvents implements JobHandler {
  public static final String SUBSCRIPTION = "purchase.backend";
  public static final String ENDPOINT = "backend";
  private static final Logger LOG = LoggerFactory.getLogger(DeliverPurchaseEvents.class);

  private final UnitOfWork unitOfWork;
  private final BackendWebhook webhook;
  private final BackendEndpoints endpoints;
  private final PurchaseAudit audit;
  private final Jobs jobs;
  private final BackendRetrySchedule schedule;
  private final TimeOrderedIds ids;
  private final Clock clock;
  private final RandomGenerator random;

  public DeliverPurchaseEvents(UnitOfWork unitOfWork, BackendWebhook webhook, BackendEndpoints endpoints, PurchaseAudit audit, Jobs jobs,
      BackendRetrySchedule schedule, TimeOrderedIds ids, Clock clock, RandomGenerator random) {
    this.unitOfWork = unitOfWork;
    this.webhook = webhook;
    this.endpoints = endpoints;
    this.audit = audit;
    this.jobs = jobs;
    this.schedule = schedule;
    this.ids = ids;
    this.clock = clock;
    this.random = random;
  }

  /** Waiting while disabled counts as attempts for the engine, so its own limit is out of reach; the schedule decides. */
  public static Subscription subscription(int concurrency) {
    return new Subscription(SUBSCRIPTION, Optional.of(new EventFilter("purchase.*")),
        new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(10), Integer.MAX_VALUE), concurrency, true, Duration.ofSeconds(60));
  }

  @Override
  public Outcome handle(ClaimedJob job) {
    UUID eventId = job.eventId().orElseThrow(() -> new IllegalArgumentException("job " + job.id() + " carries no event"));
    String type = job.eventType().orElse("purchase.unknown");
    if (!webhook.configured()) {
      return Outcome.retryAfter(schedule.whileDisabled(), "RELAYBOX_BACKEND_WEBHOOK_URL is not set; waiting");
    }
    EndpointState endpoint = endpoints.state(ENDPOINT);
    if (!endpoint.enabled()) {
      return Outcome.retryAfter(schedule.whileDisabled(), "backend endpoint disabled: " + endpoint.disabledReason().orElse(""));
    }
    int failuresBefore = audit.deliveryAttempts(eventId, endpoint.enabledSince());
    Optional<UUID> purchaseId = job.header(PurchaseLedger.PURCHASE_ID_HEADER).map(UUID::fromString)
        .or(() -> PurchaseJson.uuid(job.payloadJson(), "purchaseId"));
    jobs.ensureHeld(job.ref()); // a stale handler stops here instead of posting out of turn
    Instant started = clock.instant();
    BackendWebhook.Delivery delivery = webhook.post(eventId, type, job.createdAt(), job.payloadJson());
    int attempt = failuresBefore + 1;
    AuditEntry line = new AuditEntry(ids.next(), purchaseId, "", "event:" + eventId, "delivery",
        delivery.succeeded() ? "delivered" : "failed", "POST " + type + " webhook-id=" + eventId + " attempt " + attempt,
        delivery.summary(), Optional.of(delivery.latency().toMillis()), Optional.of(eventId), started);
    if (delivery.succeeded()) {
      try {
        unitOfWork.inTransaction(() -> {
          audit.append(line);
          jobs.markDone(job.ref());
        });
      } catch (LeaseLostException e) {
        audit.appendAlone(line); // the POST happened: the audit trail says so even though the job is no longer ours
        throw e;
      }
      return Outcome.done();
    }
    audit.appendAlone(line);
    if (delivery.status() == 410) {
      disable("the backend answered 410 Gone to " + eventId);
      return Outcome.retryAfter(schedule.whileDisabled(), "backend answered 410: endpoint disabled");
    }
    Optional<Duration> wait = schedule.after(attempt, random);
    if (wait.isEmpty()) {
      disable("delivery of " + eventId + " failed " + attempt + " times over the whole retry schedule");
      return Outcome.retryAfter(schedule.whileDisabled(), "retry schedule used up: endpoint disabled");
    }
    Duration delay = delivery.retryAfter().filter(r -> r.compareTo(wait.get()) > 0).orElse(wait.get());
    return Outcome.retryAfter(delay, "backend: " + delivery.summary());
  }

  private void disable(String reason) {
    if (endpoints.disable(ENDPOINT, reason, clock.instant())) {
      LOG.warn("backend webhook endpoint disabled: {}. Deliveries wait until POST /admin/endpoints/backend/enable", reason);
    }
  }
}
